import type { Downsampled } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import {
  barsOf,
  chartColumns,
  gapSpacing,
  stackColumns,
  statSummary,
  thresholdColor,
} from './downsampled.ts';

function read(
  keys: (number | string)[],
  series: Record<number, (number | null)[]>,
  interval: number | null,
): Downsampled {
  return {
    interval,
    keys,
    count: keys.map(() => 1),
    series: Object.fromEntries(
      Object.entries(series).map(([sk, values]) => [
        sk,
        { min: values, max: values, avg: values, last: values },
      ]),
    ),
    truncated: false,
  };
}

describe('chart columns', () => {
  it('breaks the line where downsampled intervals are missing', () => {
    const data = read([0, 10, 40, 50], { 1: [1, 2, 3, 4] }, 10);
    expect(chartColumns(data, [1], 'avg')).toEqual({
      x: [0, 10, 20, 40, 50],
      series: [[1, 2, null, 3, 4]],
    });
  });

  it('breaks raw records only at jumps far beyond their usual spacing', () => {
    const keys = [0, 1000, 2000, 3100, 4000, 60_000, 61_000];
    const data = read(keys, { 1: [1, 2, 3, 4, 5, 6, 7] }, null);
    expect(gapSpacing(keys, null)).toBe(10_000);
    const columns = chartColumns(data, [1], 'last');
    expect(columns.x).toEqual([0, 1000, 2000, 3100, 4000, 5000, 60_000, 61_000]);
    expect(columns.series[0]![5]).toBeNull();
    // Too few records to know what is usual: no breaks.
    expect(gapSpacing([0, 1, 1000], null)).toBe(Number.POSITIVE_INFINITY);
  });

  it('passes over a series without a value instead of breaking it', () => {
    const data = read([0, 10, 20], { 1: [1, null, 3], 2: [5, 6, 7] }, 10);
    expect(chartColumns(data, [1, 2, 9], 'avg').series).toEqual([
      [1, undefined, 3],
      [5, 6, 7],
      [undefined, undefined, undefined],
    ]);
  });

  it('stacks series per axis only', () => {
    expect(
      stackColumns(
        {
          x: [0, 1],
          series: [
            [1, 2],
            [100, 200],
            [10, 20],
          ],
        },
        ['left', 'right', 'left'],
      ).series,
    ).toEqual([
      [1, 2],
      [100, 200],
      [11, 22],
    ]);
  });

  it('stacks series as running sums and keeps gaps', () => {
    expect(
      stackColumns({
        x: [0, 1, 2],
        series: [
          [1, null, 2],
          [10, null, undefined],
          [100, null, 300],
        ],
      }).series,
    ).toEqual([
      [1, null, 2],
      [11, null, undefined],
      [111, null, 302],
    ]);
  });
});

describe('stat summary', () => {
  it('takes the latest value, the change over the range and the sparkline', () => {
    const data = read([0, 10, 20, 30], { 1: [null, 4, 5, 6] }, 10);
    expect(statSummary(data, 1)).toEqual({
      latest: 6,
      latestKey: 30,
      change: 2,
      changeRatio: 0.5,
      spark: { x: [10, 20, 30], y: [4, 5, 6] },
    });
  });

  it('has no change for a single value and nothing for an empty read', () => {
    expect(statSummary(read([0], { 1: [3] }, null), 1)).toMatchObject({ latest: 3, change: null });
    expect(statSummary(read([], {}, null), 1)).toMatchObject({ latest: null, latestKey: null });
  });

  it('colours by the highest threshold reached', () => {
    const thresholds = [
      { value: 80, color: '#ff0000' },
      { value: 50, color: '#ffaa00' },
    ];
    expect(thresholdColor(90, thresholds)).toBe('#ff0000');
    expect(thresholdColor(60, thresholds)).toBe('#ffaa00');
    expect(thresholdColor(10, thresholds)).toBeNull();
    expect(thresholdColor(null, thresholds)).toBeNull();
  });
});

describe('bars', () => {
  it('has a bar per key for KV buckets', () => {
    const data = read(['berlin', 'paris'], { 1: [3, 4], 2: [null, 1] }, null);
    expect(barsOf(data, [1, 2], true, String)).toEqual([
      { label: 'berlin', values: [3, undefined] },
      { label: 'paris', values: [4, 1] },
    ]);
  });

  it('has a bar per series at its latest value otherwise', () => {
    const data = read([1, 2], { 1: [3, 4], 2: [7, null] }, null);
    expect(barsOf(data, [1, 2], false, (sk) => `S${sk}`)).toEqual([
      { label: 'S1', values: [4] },
      { label: 'S2', values: [7] },
    ]);
  });
});
