import type { BucketType, RecordKey } from '@bucketgrid/shared';

interface ChartRecord {
  key: RecordKey;
  data: { series_key: number; value: number | null }[];
}

export interface ChartSeries {
  key: number;
  /** One value per x position; null where the record has no value for this series. */
  values: (number | null)[];
}

export interface ChartData {
  /** Timestamps (TSV), integers (IV) or positions 0..n-1 (KV, whose keys are `labels`). */
  x: number[];
  labels: string[] | null;
  series: ChartSeries[];
}

/**
 * Aligns records (in key order) into columns, the shape uPlot draws: one x column and one
 * column per series key, so a series missing from a record becomes a gap, not a shift.
 */
export function toChartData(records: readonly ChartRecord[], type: BucketType): ChartData {
  const seriesKeys = new Set<number>();
  for (const record of records) for (const point of record.data) seriesKeys.add(point.series_key);
  const keys = [...seriesKeys].sort((a, b) => a - b);
  const column = new Map<number, (number | null)[]>();
  for (const key of keys) column.set(key, new Array<number | null>(records.length).fill(null));
  records.forEach((record, i) => {
    for (const point of record.data) column.get(point.series_key)![i] = point.value;
  });
  const isKv = type === 'KV';
  return {
    x: records.map((record, i) => (isKv ? i : Number(record.key))),
    labels: isKv ? records.map((record) => String(record.key)) : null,
    series: keys.map((key) => ({ key, values: column.get(key)! })),
  };
}

/** Which indices of a category axis get a label, so labels never crowd (at most `room`). */
export function categoryTicks(count: number, room: number): number[] {
  if (count === 0) return [];
  const step = Math.max(1, Math.ceil(count / Math.max(1, room)));
  const ticks: number[] = [];
  for (let i = 0; i < count; i += step) ticks.push(i);
  return ticks;
}
