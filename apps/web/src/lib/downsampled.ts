import type { Downsampled, DownsampledSeries, RecordKey } from '@bucketgrid/shared';

/** Which per-interval figure a line follows. */
export type Stat = keyof DownsampledSeries;

/** A raw-records chart breaks its line where keys jump this many times the usual spacing. */
export const RAW_GAP_FACTOR = 10;

/**
 * uPlot's columns. In a series, `undefined` means "no value here" (the line passes over it)
 * and `null` means "a gap" (the line stops), which is what an inserted gap marker carries.
 */
export interface Columns {
  x: number[];
  series: (number | null | undefined)[][];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The spacing past which two neighbouring keys have missing data between them: one interval
 * for downsampled data; for raw records, far more than their usual (median) spacing.
 * Infinity when too few keys say what is usual.
 */
export function gapSpacing(keys: readonly number[], interval: number | null): number {
  if (interval !== null) return interval;
  if (keys.length < 4) return Number.POSITIVE_INFINITY;
  const steps: number[] = [];
  for (let i = 1; i < keys.length; i++) steps.push(keys[i]! - keys[i - 1]!);
  const usual = median(steps);
  return usual > 0 ? usual * RAW_GAP_FACTOR : Number.POSITIVE_INFINITY;
}

/**
 * Columns for a time or integer chart of `sks`, with a gap marker (every series null) after
 * each key whose neighbour is further than `gapSpacing`, so missing data shows as a gap and
 * not as a straight line across it.
 */
export function chartColumns(data: Downsampled, sks: readonly number[], stat: Stat): Columns {
  const keys = data.keys.map(Number);
  const limit = gapSpacing(keys, data.interval);
  const step = data.interval ?? limit / RAW_GAP_FACTOR;
  const x: number[] = [];
  const series: (number | null | undefined)[][] = sks.map(() => []);
  const source = sks.map((sk) => data.series[sk]?.[stat]);
  keys.forEach((key, i) => {
    if (i > 0 && key - keys[i - 1]! > limit) {
      x.push(keys[i - 1]! + step);
      for (const column of series) column.push(null);
    }
    x.push(key);
    source.forEach((values, s) => {
      // A series without a value in this interval is passed over, not broken.
      series[s]!.push(values?.[i] ?? undefined);
    });
  });
  return { x, series };
}

/**
 * Stacks columns: each series becomes the running sum of itself and the series before it in
 * the same group (its axis: a right-axis series never stacks on left-axis ones); a missing
 * value adds nothing, and gap markers stay gaps.
 */
export function stackColumns(columns: Columns, groups?: readonly string[]): Columns {
  const sums = new Map<string, (number | null)[]>();
  const series = columns.series.map((values, s) => {
    const group = groups?.[s] ?? '';
    let running = sums.get(group);
    if (!running) {
      running = columns.x.map(() => 0);
      sums.set(group, running);
    }
    const totals = running;
    return values.map((value, i) => {
      if (value === null) {
        totals[i] = null;
        return null;
      }
      if (totals[i] === null) return null;
      totals[i] = totals[i]! + (value ?? 0);
      return value === undefined ? undefined : totals[i];
    });
  });
  return { x: columns.x, series };
}

/** The last value of a series in the read, and its key. */
export function latestValue(
  data: Downsampled,
  sk: number,
): { value: number; key: RecordKey } | null {
  const values = data.series[sk]?.last ?? [];
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    if (value !== null && value !== undefined) return { value, key: data.keys[i]! };
  }
  return null;
}

/** The first value of a series in the read (the first interval's average). */
export function firstValue(data: Downsampled, sk: number): number | null {
  for (const value of data.series[sk]?.avg ?? []) if (value !== null) return value;
  return null;
}

export interface StatSummary {
  latest: number | null;
  latestKey: RecordKey | null;
  /** Latest minus first, over the range; null with fewer than two values. */
  change: number | null;
  /** Relative change (0.1 = +10 %); null where the first value is 0. */
  changeRatio: number | null;
  /** The sparkline: x (keys) and y (interval averages), without empty intervals. */
  spark: { x: number[]; y: number[] };
}

export function statSummary(data: Downsampled, sk: number): StatSummary {
  const latest = latestValue(data, sk);
  const first = firstValue(data, sk);
  const avg = data.series[sk]?.avg ?? [];
  const spark = { x: [] as number[], y: [] as number[] };
  avg.forEach((value, i) => {
    if (value === null) return;
    spark.x.push(Number(data.keys[i]));
    spark.y.push(value);
  });
  const hasChange = latest !== null && first !== null && spark.y.length > 1;
  const change = hasChange ? latest.value - first : null;
  return {
    latest: latest?.value ?? null,
    latestKey: latest?.key ?? null,
    change,
    changeRatio: change !== null && first !== 0 ? change / Math.abs(first!) : null,
    spark,
  };
}

/** The colour of the highest threshold a value reaches (thresholds in any order). */
export function thresholdColor(
  value: number | null,
  thresholds: readonly { value: number; color: string }[],
): string | null {
  if (value === null) return null;
  let best: { value: number; color: string } | null = null;
  for (const threshold of thresholds) {
    if (value >= threshold.value && (best === null || threshold.value >= best.value)) {
      best = threshold;
    }
  }
  return best?.color ?? null;
}

export interface Bar {
  label: string;
  /** One value per shown series (undefined: none). */
  values: (number | undefined)[];
}

/**
 * Bars for a bar chart: a KV bucket has a bar (group) per key; any other bucket has one bar
 * per series, at its latest value in the range.
 */
export function barsOf(
  data: Downsampled,
  sks: readonly number[],
  isKv: boolean,
  nameOf: (sk: number) => string,
): Bar[] {
  if (isKv) {
    return data.keys.map((key, i) => ({
      label: String(key),
      values: sks.map((sk) => data.series[sk]?.last[i] ?? undefined),
    }));
  }
  return sks.map((sk) => ({ label: nameOf(sk), values: [latestValue(data, sk)?.value] }));
}

/** Series keys that hold any value in the read, in order. */
export function seriesKeysOf(data: Downsampled): number[] {
  return Object.keys(data.series)
    .map(Number)
    .sort((a, b) => a - b);
}
