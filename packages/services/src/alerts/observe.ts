import type {
  AlertAggregation,
  Downsampled,
  NoDataCondition,
  ThresholdCondition,
} from '@bucketgrid/shared';
import type { Bucket, Store } from '@bucketgrid/store';
import { breaks, type Observation } from './step.ts';

/**
 * What a rule's condition is at `now`, from the downsampling aggregates: one downsampled
 * read of one interval (`points: 1`) over the window, for the rule's series only. Never a
 * scan of the records: the store answers from its pre-computed cells (docs/downsampling.md).
 */
export async function observe(
  store: Store,
  bucket: Bucket,
  condition: ThresholdCondition | NoDataCondition,
  now: number,
  ruleCreatedAt: number,
): Promise<Observation> {
  if (condition.kind === 'no_data') {
    return observeSilence(store, bucket, condition, now, ruleCreatedAt);
  }
  const range = await windowOf(store, bucket, condition.window, now);
  if (!range) {
    return condition.aggregation === 'count'
      ? countObservation(condition, 0)
      : { value: null, holds: null };
  }
  const figures = await store.downsampleRecords(bucket, {
    ...range,
    points: 1,
    series: [condition.seriesKey],
  });
  return observeFigures(figures, condition);
}

/**
 * What a threshold condition is over the intervals of `figures` (the window): the evaluator's
 * one interval, or the intervals of a window in the rule editor's preview.
 */
export function observeFigures(figures: Downsampled, condition: ThresholdCondition): Observation {
  if (condition.aggregation === 'count') {
    return countObservation(
      condition,
      figures.count.reduce((sum, n) => sum + n, 0),
    );
  }
  const value = aggregate(figures, condition.seriesKey, condition.aggregation);
  return value === null ? { value, holds: null } : { value, holds: breaks(condition, value) };
}

function countObservation(condition: ThresholdCondition, count: number): Observation {
  return { value: count, holds: breaks(condition, count) };
}

/**
 * The window's keys: for TSV the last `window` ms up to now; for IV (whose keys are not
 * times) the last `window` keys up to the bucket's last key. Null for an empty IV bucket.
 */
async function windowOf(
  store: Store,
  bucket: Bucket,
  window: number,
  now: number,
): Promise<{ from: number; to: number } | null> {
  if (bucket.type === 'TSV') return { from: now - window, to: now };
  const { records } = await store.readRecords(bucket, { order: 'desc', limit: 1 });
  const last = records[0]?.key;
  return typeof last === 'number' ? { from: last - window + 1, to: last } : null;
}

/**
 * One figure over the window from the answer's intervals (one, or a few raw records): min of
 * the minimums, max of the maximums, the last value in key order, and the average weighted by
 * each interval's records (exact for one interval, which `points: 1` asks for).
 */
function aggregate(
  figures: Downsampled,
  seriesKey: number,
  aggregation: Exclude<AlertAggregation, 'count'>,
): number | null {
  const series = figures.series[seriesKey];
  if (!series) return null;
  let result: number | null = null;
  let weight = 0;
  for (let i = 0; i < figures.keys.length; i++) {
    const avg = series.avg[i];
    if (avg === null || avg === undefined) continue;
    if (aggregation === 'min')
      result = Math.min(result ?? Number.POSITIVE_INFINITY, series.min[i] ?? avg);
    else if (aggregation === 'max')
      result = Math.max(result ?? Number.NEGATIVE_INFINITY, series.max[i] ?? avg);
    else if (aggregation === 'last') result = series.last[i] ?? result;
    else {
      const n = figures.count[i] ?? 1;
      result = ((result ?? 0) * weight + avg * n) / (weight + n);
      weight += n;
    }
  }
  return result;
}

/**
 * A bucket is silent while its last write (kept by the store on every write) is `silence` or
 * more ago; a bucket never written counts from the rule's creation. The value is the seconds
 * of silence. One series (TSV) is silent while the last `silence` holds no value of it; the
 * value is its last value (null while silent).
 */
async function observeSilence(
  store: Store,
  bucket: Bucket,
  condition: NoDataCondition,
  now: number,
  ruleCreatedAt: number,
): Promise<Observation> {
  if (condition.seriesKey === undefined) {
    const silentMs = Math.max(0, now - (bucket.lastWriteAt ?? ruleCreatedAt));
    return { value: Math.round(silentMs / 1000), holds: silentMs >= condition.silence };
  }
  const figures = await store.downsampleRecords(bucket, {
    from: now - condition.silence,
    to: now,
    points: 1,
    series: [condition.seriesKey],
  });
  const last = aggregate(figures, condition.seriesKey, 'last');
  return { value: last, holds: last === null };
}
