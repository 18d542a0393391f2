import type { Downsampled, DownsampledSeries, RecordKey } from '@bucketgrid/shared';

/** Which per-interval figure a line follows. */
export type Stat = keyof DownsampledSeries;

/**
 * uPlot's columns. In a series, `undefined` means "no value here" (the line passes over it)
 * and `null` means "a gap" (the line stops), which is what an inserted gap marker carries.
 */
export interface Columns {
  x: number[];
  series: (number | null | undefined)[][];
  /** Each series' newest value in the read (its last record's), null when it has none. */
  latest: (number | null)[];
  /**
   * The width of each downsampled interval (then `x` holds each interval's middle); null when
   * `x` are the raw records' keys.
   */
  interval: number | null;
}

/**
 * Columns for a time or integer chart of `sks`, one column per figure `pick` chooses. An
 * interval is drawn at its middle, so each record lies within half an interval of where its
 * figure is drawn. A gap marker (every series null) follows each interval whose next interval
 * is empty: the answer leaves empty intervals out, so keys more than one interval apart have
 * nothing between them. Raw records are every record there is, so nothing is missing between
 * them and they are never broken.
 */
function columnsOf(
  data: Downsampled,
  sks: readonly number[],
  pick: (series: DownsampledSeries) => (number | null)[],
): Columns {
  const keys = data.keys.map(Number);
  const interval = data.interval;
  const middle = interval === null ? 0 : interval / 2;
  const x: number[] = [];
  const series: (number | null | undefined)[][] = sks.map(() => []);
  const source = sks.map((sk) => {
    const figures = data.series[sk];
    return figures ? pick(figures) : undefined;
  });
  keys.forEach((key, i) => {
    if (interval !== null && i > 0 && key - keys[i - 1]! > interval) {
      x.push(keys[i - 1]! + interval + middle);
      for (const column of series) column.push(null);
    }
    x.push(key + middle);
    source.forEach((values, s) => {
      // A series without a value in this interval is passed over, not broken.
      series[s]!.push(values?.[i] ?? undefined);
    });
  });
  return { x, series, latest: sks.map((sk) => latestValue(data, sk)?.value ?? null), interval };
}

/** Columns of the figure `stat` for each series: what a downsampled line draws. */
export function chartColumns(data: Downsampled, sks: readonly number[], stat: Stat): Columns {
  return columnsOf(data, sks, (figures) => figures[stat]);
}

/** Where a series' newest value is marked on its chart (see latestMarks). */
export interface LatestMark {
  /** The series' index in the chart. */
  series: number;
  /** The x of the interval (or raw record) its newest value belongs to. */
  x: number;
  value: number;
}

/**
 * A mark per series at its newest value, at the x where its line's last point is drawn. A
 * line of averages ends at the last interval's average, which can be far from the newest
 * record (a spike at the end of a quiet interval): the mark shows the value the legend, the
 * stat and the table give, where it was, and the y axis takes it in.
 */
export function latestMarks(columns: Columns): LatestMark[] {
  const marks: LatestMark[] = [];
  columns.latest.forEach((value, s) => {
    if (value === null) return;
    const column = columns.series[s] ?? [];
    for (let i = column.length - 1; i >= 0; i--) {
      if (typeof column[i] === 'number') {
        marks.push({ series: s, x: columns.x[i]!, value });
        return;
      }
    }
  });
  return marks;
}

/**
 * The lowest and highest value of each series in each interval (the same x as
 * `chartColumns`): a band between them shows a spike the line's average smooths away.
 */
export function bandColumns(
  data: Downsampled,
  sks: readonly number[],
): { min: Columns; max: Columns } {
  return {
    min: columnsOf(data, sks, (figures) => figures.min),
    max: columnsOf(data, sks, (figures) => figures.max),
  };
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
  return { ...columns, series };
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

/**
 * What a chart says when its read went past a read budget (`coarsened`): fewer, wider
 * intervals than asked, or intervals taken whole from stored figures. Null when the answer is
 * as asked.
 */
export function coarseningNote(data: Downsampled): string | null {
  const { coarsened } = data;
  if (coarsened === undefined) return null;
  const why =
    coarsened.budget === 'figures'
      ? 'more intervals × series than one read may hold'
      : 'finer intervals would read more records than one read may (figures of recent writes are still being built)';
  const edges =
    coarsened.approximateIntervals > 0
      ? ` ${coarsened.approximateIntervals} interval${coarsened.approximateIntervals === 1 ? '' : 's'} at the range's ends include records just outside it.`
      : '';
  return `Coarsened to ${coarsened.points} of the ${coarsened.requestedPoints} points asked for: ${why}.${edges}`;
}
