import type { Downsampled } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import {
  bandColumns,
  barsOf,
  chartColumns,
  coarseningNote,
  latestMarks,
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
      x: [5, 15, 25, 45, 55],
      series: [[1, 2, null, 3, 4]],
      latest: [4],
      interval: 10,
    });
  });

  it('never breaks raw records, however unevenly spaced: every record is there', () => {
    // A record a minute, then a record a second: the minute records are still one line.
    const keys = [0, 60_000, 120_000, 121_000, 122_000, 123_000, 124_000];
    const data = read(keys, { 1: [1, 2, 3, 4, 5, 6, 7] }, null);
    const columns = chartColumns(data, [1], 'last');
    expect(columns.x).toEqual(keys);
    expect(columns.series[0]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(columns.interval).toBeNull();
  });

  it("gives each series' newest value, whatever figure the line follows", () => {
    const data: Downsampled = {
      interval: 10,
      keys: [0, 10],
      count: [3, 3],
      series: { 1: { min: [1, 2], max: [9, 30], avg: [5, 16.8], last: [7, 25.5] } },
      truncated: false,
    };
    const columns = chartColumns(data, [1, 2], 'avg');
    expect(columns.series[0]).toEqual([5, 16.8]);
    expect(columns.latest).toEqual([25.5, null]);
    const band = bandColumns(data, [1]);
    expect(band.min.series[0]).toEqual([1, 2]);
    expect(band.max.series[0]).toEqual([9, 30]);
  });

  it("marks each series' newest value where its line ends, not the line's last average", () => {
    const data: Downsampled = {
      interval: 10,
      keys: [0, 10, 20],
      count: [3, 3, 2],
      series: {
        1: { min: [1, 2, 20], max: [9, 30, 25.5], avg: [5, 16.8, 21.25], last: [7, 25.5, 25.5] },
        2: {
          min: [4, null, null],
          max: [4, null, null],
          avg: [4, null, null],
          last: [4, null, null],
        },
      },
      truncated: false,
    };
    const columns = chartColumns(data, [1, 2, 3], 'avg');
    expect(latestMarks(columns)).toEqual([
      { series: 0, x: 25, value: 25.5 },
      { series: 1, x: 5, value: 4 },
    ]);
    expect(latestMarks(chartColumns(read([], {}, 10), [1], 'avg'))).toEqual([]);
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
          latest: [2, 200, 20],
          interval: null,
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
        latest: [2, 10, 300],
        interval: 1,
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

describe('coarseningNote', () => {
  it('says nothing of an answer as asked, and what a coarsened one gave up', () => {
    const asked = read([0, 60_000], { 1: [1, 2] }, 60_000);
    expect(coarseningNote(asked)).toBeNull();
    expect(
      coarseningNote({
        ...asked,
        coarsened: {
          budget: 'raw_records',
          requestedPoints: 1_000,
          points: 49,
          approximateIntervals: 0,
        },
      }),
    ).toBe(
      'Coarsened to 49 of the 1000 points asked for: finer intervals would read more records than one read may (figures of recent writes are still being built).',
    );
    expect(
      coarseningNote({
        ...asked,
        coarsened: {
          budget: 'figures',
          requestedPoints: 5_000,
          points: 1_000,
          approximateIntervals: 2,
        },
      }),
    ).toBe(
      "Coarsened to 1000 of the 5000 points asked for: more intervals × series than one read may hold. 2 intervals at the range's ends include records just outside it.",
    );
  });
});
