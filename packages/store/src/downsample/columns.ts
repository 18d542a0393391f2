import type { DataRecord, Downsampled, DownsampledSeries, RecordKey } from '@bucketgrid/shared';
import type { CellGroup } from './program.ts';
import { average } from './sum.ts';

/** Lays downsampled figures out column-wise, the same way for every backend. */

const emptySeries = (length: number): DownsampledSeries => ({
  min: new Array(length).fill(null),
  max: new Array(length).fill(null),
  avg: new Array(length).fill(null),
  last: new Array(length).fill(null),
});

function slot(
  series: Record<number, DownsampledSeries>,
  sk: number,
  length: number,
): DownsampledSeries {
  series[sk] ??= emptySeries(length);
  return series[sk];
}

/** Raw records (in key order) as points of their own; `only` keeps just those series. */
export function columnsFromRecords(
  records: readonly DataRecord[],
  truncated: boolean,
  only?: readonly number[],
): Downsampled {
  const keep = only && new Set(only);
  const keys: RecordKey[] = [];
  const series: Record<number, DownsampledSeries> = {};
  records.forEach((record, i) => {
    keys.push(record.key);
    for (const name in record.values) {
      const sk = Number(name);
      const value = record.values[sk];
      if (value === null || value === undefined || (keep && !keep.has(sk))) continue;
      const columns = slot(series, sk, records.length);
      columns.min[i] = columns.max[i] = columns.avg[i] = columns.last[i] = value;
    }
  });
  return { interval: null, keys, count: keys.map(() => 1), series, truncated };
}

/**
 * Per-interval groups (any order; each interval's record count in its series-0 group) as
 * columns, intervals in key order. Intervals without records are left out.
 */
export function columnsFromGroups(
  interval: number,
  groups: readonly CellGroup[],
  only?: readonly number[],
): Downsampled {
  const keep = only && new Set(only);
  const counted = groups.filter((group) => group.series === 0 && group.n > 0);
  counted.sort((a, b) => a.start - b.start);
  const index = new Map(counted.map((group, i) => [group.start, i]));
  const series: Record<number, DownsampledSeries> = {};
  for (const group of groups) {
    const i = index.get(group.start);
    if (group.series === 0 || group.n === 0 || i === undefined) continue;
    if (keep && !keep.has(group.series)) continue;
    const columns = slot(series, group.series, counted.length);
    columns.min[i] = group.min;
    columns.max[i] = group.max;
    columns.avg[i] = average(group.sum, group.scaled, group.n, group.min, group.max);
    columns.last[i] = group.last;
  }
  return {
    interval,
    keys: counted.map((group) => group.start),
    count: counted.map((group) => group.n),
    series,
    truncated: false,
  };
}
