import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import {
  axesByUnit,
  drawnExtent,
  isolatedIndices,
  padRange,
  withThresholds,
} from './time-chart-options.ts';

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

describe('the y scale', () => {
  // The shape of uPlot the range reads: its series (scale, shown) and data columns.
  const plot = {
    series: [{}, { scale: 'y' }, { scale: 'y2' }, { scale: 'y', show: false }, { scale: 'y' }],
    data: [
      [1, 2, 3],
      [20.4, 20.5, 21.2],
      [40, 41, 45],
      [-100, 100, 0],
      // A band's maximum, its last interval centred past the x range's end.
      [20.6, 20.7, 25.5],
    ],
  } as unknown as uPlot;

  it('covers every drawn value of its shown series and bands, wherever the point stands', () => {
    expect(drawnExtent(plot, 'y')).toEqual([20.4, 25.5]);
    expect(drawnExtent(plot, 'y2')).toEqual([40, 45]);
    const [low, high] = padRange(...drawnExtent(plot, 'y'), false);
    expect(low).toBeLessThan(20.4);
    expect(high).toBeGreaterThan(25.5);
  });
});

describe('thresholds in the y range', () => {
  it('widens the data extent to take in every threshold, and keeps it without any', () => {
    expect(withThresholds([20, 25], [30])).toEqual([20, 30]);
    expect(withThresholds([20, 25], [10, 40])).toEqual([10, 40]);
    expect(withThresholds([20, 25], [])).toEqual([20, 25]);
    expect(withThresholds([null, null], [30])).toEqual([30, 30]);
  });
});
