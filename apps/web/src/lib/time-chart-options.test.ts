import { describe, expect, it } from 'vitest';
import { axesByUnit, isolatedIndices } from './time-chart-options.ts';

describe('isolated values', () => {
  it('are the values with a gap or nothing on both sides', () => {
    expect(isolatedIndices([5])).toEqual([0]);
    expect(isolatedIndices([5, null, 6, 7, null, 8])).toEqual([0, 5]);
    expect(isolatedIndices([null, 1, null, 2, 3])).toEqual([1]);
  });

  it('look past a series that has no value in an interval', () => {
    expect(isolatedIndices([1, undefined, 2])).toEqual([]);
    expect(isolatedIndices([null, undefined, 4, undefined, null])).toEqual([2]);
  });
});

describe('axes by unit', () => {
  it('puts the first unit on the left and any other on the right', () => {
    const s = (sk: number, unit: string) => ({
      sk,
      name: `S${sk}`,
      unit,
      color: '#000',
      decimals: null,
    });
    expect(axesByUnit([s(1, '°C'), s(2, '%'), s(3, '°C')]).map((x) => x.axis)).toEqual([
      'left',
      'right',
      'left',
    ]);
  });
});
