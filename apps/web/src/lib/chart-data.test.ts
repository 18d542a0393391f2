import { describe, expect, it } from 'vitest';
import { categoryTicks, toChartData } from './chart-data.ts';

describe('toChartData', () => {
  it('aligns series into columns with gaps where a record lacks a series', () => {
    const data = toChartData(
      [
        { key: 1000, data: [{ series_key: 2, value: 5 }] },
        {
          key: 2000,
          data: [
            { series_key: 1, value: 1.5 },
            { series_key: 2, value: null },
          ],
        },
        { key: 3000, data: [{ series_key: 1, value: 3 }] },
      ],
      'TSV',
    );
    expect(data).toEqual({
      x: [1000, 2000, 3000],
      labels: null,
      series: [
        { key: 1, values: [null, 1.5, 3] },
        { key: 2, values: [5, null, null] },
      ],
    });
  });

  it('puts KV keys on a category axis', () => {
    const data = toChartData(
      [
        { key: 'berlin', data: [{ series_key: 1, value: 3 }] },
        { key: 'paris', data: [{ series_key: 1, value: 4 }] },
      ],
      'KV',
    );
    expect(data.x).toEqual([0, 1]);
    expect(data.labels).toEqual(['berlin', 'paris']);
  });

  it('handles an empty bucket', () => {
    expect(toChartData([], 'IV')).toEqual({ x: [], labels: null, series: [] });
  });
});

describe('categoryTicks', () => {
  it('labels every category when there is room', () => {
    expect(categoryTicks(3, 10)).toEqual([0, 1, 2]);
  });

  it('thins labels out when there is not', () => {
    expect(categoryTicks(10, 4)).toEqual([0, 3, 6, 9]);
    expect(categoryTicks(0, 4)).toEqual([]);
  });
});
