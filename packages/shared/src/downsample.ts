import { z } from 'zod';
import type { BucketType, RecordKey } from './bucket-key.ts';
import { seriesKeySchema } from './series.ts';

/**
 * Downsampled reads: a range of a bucket as about `points` points, each the min, max, avg
 * and last of every series over one interval, plus how many records the interval holds.
 * A range that holds no more records than `points` comes back as its raw records.
 */
export const DEFAULT_DOWNSAMPLE_POINTS = 1_000;
export const MAX_DOWNSAMPLE_POINTS = 5_000;

const keyParam = z.union([z.string().min(1).max(256), z.number()]);

/** What a client may ask (tRPC input and REST query string alike). */
export const downsampleQueryInput = z
  .object({
    from: keyParam.optional(),
    to: keyParam.optional(),
    points: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_DOWNSAMPLE_POINTS)
      .default(DEFAULT_DOWNSAMPLE_POINTS),
    /** Only these series (default: all). */
    series: z.array(seriesKeySchema).min(1).max(100).optional(),
  })
  .strict();
export type DownsampleQueryInput = z.input<typeof downsampleQueryInput>;

/**
 * The cost budget of one downsampled read, decided before it runs (docs/downsampling.md,
 * "Read budgets"), the same for every caller (REST, tRPC, share links, MCP) since the store's
 * read enforces it:
 * - `READ_FIGURES_BUDGET`: intervals × series an answer may hold. Past it the intervals are
 *   widened (fewer points). 100,000 is the default chart read (1,000 points) of a bucket of
 *   100 series, the most one record carries; about 4 MB of JSON.
 * - `READ_RAW_RECORDS_BUDGET`: records one read may fold itself (intervals narrower than the
 *   finest stored cells, the two intervals the range's ends cut, intervals whose stored figures
 *   await upkeep). Past it the read widens narrow intervals to the finest stored cells, and
 *   answers cut or stale intervals from their whole stored cells instead (the answer counts
 *   them). 20,000 records of 100 series take about 0.2 s to fold on the machines measured
 *   (docs/architecture.md, "Limits and abuse").
 */
export const READ_FIGURES_BUDGET = 100_000;
/**
 * Series values one page of records (`GET /api/buckets/{id}`, `buckets.records`) holds at
 * most: a page stops after the record that reaches it and says there is more (a cursor). 10,000
 * records of 100 series were a 30 MB answer whose serialisation held the event loop for
 * seconds; 100,000 values is about 3 MB in the long form.
 */
export const READ_PAGE_VALUES_BUDGET = 100_000;
export const READ_RAW_RECORDS_BUDGET = 20_000;

/** Said in a downsampled answer that went past a budget: what it gave up. */
export interface DownsampleCoarsened {
  /** The budget that was reached. */
  budget: 'figures' | 'raw_records';
  /** The points asked for (the answer has fewer, wider intervals). */
  requestedPoints: number;
  /** The points the read was run with instead. */
  points: number;
  /**
   * Intervals answered from their whole stored cells rather than from the records: intervals
   * the range's ends cut (their figures then include records just outside the range) and
   * intervals whose figures await upkeep (they may miss writes of the last seconds).
   */
  approximateIntervals: number;
}

/** A downsampled read resolved against the bucket's key type, as the store runs it. */
export interface DownsampleQuery {
  from?: RecordKey;
  to?: RecordKey;
  points: number;
  series?: number[];
}

/** One series' figures, one entry per interval (null: no value in that interval). */
export interface DownsampledSeries {
  min: (number | null)[];
  max: (number | null)[];
  avg: (number | null)[];
  last: (number | null)[];
}

/**
 * Column-wise, as charts want it. Intervals with no record are left out (a chart shows a gap
 * where consecutive keys are more than `interval` apart).
 */
export interface Downsampled {
  /**
   * The width of each interval in key units (ms for TSV), or null when `keys` are the raw
   * records themselves (then min = max = avg = last, and count is 1).
   */
  interval: number | null;
  /** Each interval's start (a multiple of `interval`), or each raw record's key. */
  keys: RecordKey[];
  /** Records per interval. */
  count: number[];
  /** Series key → its figures. */
  series: Record<number, DownsampledSeries>;
  /** KV buckets only (they are never aggregated): more records match than `points`. */
  truncated: boolean;
  /** Present only when the read went past its cost budget: what it gave up. */
  coarsened?: DownsampleCoarsened;
}

/** Intervals [from, to) of an answer, by index, with its other fields. */
export function sliceDownsampled(answer: Downsampled, from: number, to: number): Downsampled {
  const series: Record<number, DownsampledSeries> = {};
  for (const sk in answer.series) {
    const figures = answer.series[Number(sk)]!;
    series[Number(sk)] = {
      min: figures.min.slice(from, to),
      max: figures.max.slice(from, to),
      avg: figures.avg.slice(from, to),
      last: figures.last.slice(from, to),
    };
  }
  return {
    ...answer,
    keys: answer.keys.slice(from, to),
    count: answer.count.slice(from, to),
    series,
  };
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Interval widths for TSV buckets (ms), smallest first: round numbers people read easily. */
export const TSV_INTERVALS: readonly number[] = [
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500],
  ...[1, 2, 5, 10, 20, 30].map((n) => n * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
  ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
  ...[1, 2, 7, 14, 30, 90, 180, 365].map((n) => n * DAY),
];

/**
 * The interval for a range of `span` key units shown as at most about `points` points: the
 * smallest round width that keeps the count at or under `points` (TSV: the list above, then
 * whole multiples of a year; IV: 1, 2, 5 × 10ⁿ).
 */
export function chooseInterval(
  type: Exclude<BucketType, 'KV'>,
  span: number,
  points: number,
): number {
  const wanted = Math.max(1, Math.ceil((span + 1) / points));
  if (type === 'TSV') {
    for (const width of TSV_INTERVALS) if (width >= wanted) return width;
    const year = 365 * DAY;
    return Math.ceil(wanted / year) * year;
  }
  for (let power = 1; ; power *= 10) {
    for (const step of [1, 2, 5]) if (step * power >= wanted) return step * power;
  }
}

/** The start of the interval holding `key`: intervals are aligned to multiples of their width. */
export function intervalStart(key: number, interval: number): number {
  return Math.floor(key / interval) * interval;
}
