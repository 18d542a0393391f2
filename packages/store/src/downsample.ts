import type {
  DataRecord,
  Downsampled,
  DownsampledSeries,
  RecordKey,
  SeriesValues,
} from '@bucketgrid/shared';

/**
 * The backend-independent half of `downsampleRecords`: backends compute per-interval figures
 * in their database and hand them here to be laid out column-wise, so every backend answers
 * in exactly the same shape.
 */

/** Records in one interval. */
export interface IntervalCount {
  start: number;
  count: number;
}

/** One series' figures over one interval (only where it has a non-null value). */
export interface IntervalStats {
  start: number;
  sk: number;
  min: number;
  max: number;
  avg: number;
  last: number;
}

const emptySeries = (length: number): DownsampledSeries => ({
  min: new Array(length).fill(null),
  max: new Array(length).fill(null),
  avg: new Array(length).fill(null),
  last: new Array(length).fill(null),
});

function seriesSlot(
  series: Record<number, DownsampledSeries>,
  sk: number,
  length: number,
): DownsampledSeries {
  series[sk] ??= emptySeries(length);
  return series[sk];
}

/** Raw records (in key order) as points of their own; `only` keeps just those series. */
export function downsampledFromRecords(
  records: DataRecord[],
  truncated: boolean,
  only?: readonly number[],
): Downsampled {
  const keep = only && new Set(only);
  const keys: RecordKey[] = [];
  const series: Record<number, DownsampledSeries> = {};
  records.forEach((record, i) => {
    keys.push(record.key);
    const values: SeriesValues = record.values;
    for (const name in values) {
      const value = values[name as unknown as number];
      const sk = Number(name);
      if (value === null || value === undefined || (keep && !keep.has(sk))) continue;
      const slot = seriesSlot(series, sk, records.length);
      slot.min[i] = slot.max[i] = slot.avg[i] = slot.last[i] = value;
    }
  });
  return { interval: null, keys, count: keys.map(() => 1), series, truncated };
}

/** Per-interval counts and figures (any order) as columns, intervals in key order. */
export function downsampledFromIntervals(
  interval: number,
  counts: IntervalCount[],
  stats: IntervalStats[],
): Downsampled {
  const ordered = [...counts].sort((a, b) => a.start - b.start);
  const index = new Map(ordered.map((row, i) => [row.start, i]));
  const series: Record<number, DownsampledSeries> = {};
  for (const row of stats) {
    const i = index.get(row.start);
    if (i === undefined) continue;
    const slot = seriesSlot(series, row.sk, ordered.length);
    slot.min[i] = row.min;
    slot.max[i] = row.max;
    slot.avg[i] = row.avg;
    slot.last[i] = row.last;
  }
  return {
    interval,
    keys: ordered.map((row) => row.start),
    count: ordered.map((row) => row.count),
    series,
    truncated: false,
  };
}
