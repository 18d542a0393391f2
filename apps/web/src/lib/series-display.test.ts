import { describe, expect, it } from 'vitest';
import { formatNumber, formatSeriesValue, paletteColor, seriesDisplay } from './series-display.ts';

describe('series display', () => {
  const metas = [{ sk: 2, name: 'Inside', unit: '°C', color: '#112233', decimals: 1 }];

  it('uses the bucket’s description, and "Series N" only where there is none', () => {
    expect(seriesDisplay(metas, 2, 0)).toEqual({
      sk: 2,
      name: 'Inside',
      unit: '°C',
      color: '#112233',
      decimals: 1,
    });
    expect(seriesDisplay(metas, 3, 1)).toEqual({
      sk: 3,
      name: 'Series 3',
      unit: '',
      color: paletteColor(1),
      decimals: null,
    });
  });

  it('formats values with their unit and decimals', () => {
    expect(formatSeriesValue(21.456, { unit: '°C', decimals: 1 })).toBe('21.5 °C');
    expect(formatSeriesValue(27.5, { unit: '', decimals: null })).toBe('27.5');
    expect(formatSeriesValue(1234567.891, { unit: '', decimals: null })).toBe('1,234,567.89');
    expect(formatSeriesValue(0.012345, { unit: '', decimals: null })).toBe('0.0123');
    expect(formatSeriesValue(null, { unit: 'W', decimals: 0 })).toBe('–');
    expect(formatSeriesValue(undefined, { unit: 'W', decimals: 0 })).toBe('');
    expect(formatNumber(3, 2)).toBe('3.00');
  });
});
