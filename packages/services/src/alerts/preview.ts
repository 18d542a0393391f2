import {
  AppError,
  type Downsampled,
  type DownsampledSeries,
  intervalStart,
  sliceDownsampled,
  type ThresholdCondition,
} from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';
import { getBucketOrThrow } from '../buckets.ts';
import { observeFigures } from './observe.ts';
import { stepRule } from './step.ts';

/** The preview shows the last 24 hours. */
export const ALERT_PREVIEW_SPAN_MS = 86_400_000;
/**
 * Points asked for the 24 hours: enough for one-minute intervals (`chooseInterval` picks 1 min
 * for 24 h over 1,441 points or more), the smallest window a rule may have.
 */
export const ALERT_PREVIEW_POINTS = 1_500;
/** The interval raw records are folded into when the store answers with them (few records). */
const PREVIEW_INTERVAL_MS = 60_000;

/** A stretch the rule would have been firing: from `from` until `to` (null: still firing). */
export interface PreviewFiring {
  from: number;
  to: number | null;
  /** The value that made it fire. */
  value: number | null;
}

export interface AlertPreview {
  from: number;
  to: number;
  /** The series over the 24 hours, in the intervals the rule was walked over. */
  data: Downsampled;
  /** The width of each interval (ms): the rule is walked at the end of each. */
  interval: number;
  firings: PreviewFiring[];
}

/**
 * What a threshold rule would have done over the last 24 hours: one downsampled read of the
 * 24 hours (one-minute intervals, from the store's aggregates like every evaluation), then the
 * evaluator's own step (`observeFigures`, `stepRule`) walked at the end of each interval
 * with the window as that many whole intervals. The evaluator reads the window exactly
 * (`now − window` to `now`); at interval ends the two agree but for records keyed exactly at
 * an interval's end, which the preview counts in the next one.
 */
export async function previewAlertRule(
  store: Store,
  dashboardId: string,
  condition: ThresholdCondition,
  now: number,
): Promise<AlertPreview> {
  const bucket = await getBucketOrThrow(store, condition.bucketId, dashboardId, 'bucket_not_found');
  if (bucket.type !== 'TSV') {
    throw new AppError(
      'invalid_input',
      'The preview shows the last 24 hours of a TSV bucket; IV keys are not times.',
      { errors: [{ pointer: '/condition/bucketId', detail: 'a TSV bucket' }] },
    );
  }
  const from = now - ALERT_PREVIEW_SPAN_MS;
  const figures = await store.downsampleRecords(bucket, {
    from,
    to: now,
    points: ALERT_PREVIEW_POINTS,
    series: [condition.seriesKey],
  });
  return walk(figures, condition, from, now);
}

/**
 * The rule walked at the end of every interval from `from` to `to`, as the evaluator would have
 * been at those moments (an interval without records is still a moment: a window reaches back
 * over earlier ones).
 */
function walk(
  answer: Downsampled,
  condition: ThresholdCondition,
  from: number,
  to: number,
): AlertPreview {
  const figures = answer.interval === null ? intoIntervals(answer, PREVIEW_INTERVAL_MS) : answer;
  const interval = figures.interval ?? PREVIEW_INTERVAL_MS;
  const keys = figures.keys.map(Number);
  const span = Math.max(1, Math.round(condition.window / interval));
  const rule = { condition, version: 1 };
  const firings: PreviewFiring[] = [];
  let state: Parameters<typeof stepRule>[1] = null;
  for (let at = intervalStart(from, interval) + interval; at <= to; at += interval) {
    const window = slice(figures, keys, at - span * interval, at);
    const step = stepRule(rule, state, observeFigures(window, condition), at);
    state = { ruleId: '', ...step.state };
    if (step.transition?.to === 'firing') {
      firings.push({ from: at, to: null, value: step.transition.value });
    } else if (step.transition?.from === 'firing') {
      const open = firings.at(-1);
      if (open) open.to = at;
    }
  }
  return { from, to, data: figures, interval, firings };
}

/** The intervals that start in [from, at). */
function slice(figures: Downsampled, keys: number[], from: number, at: number): Downsampled {
  let start = 0;
  while (start < keys.length && keys[start]! < from) start++;
  let end = start;
  while (end < keys.length && keys[end]! < at) end++;
  return sliceDownsampled(figures, start, end);
}

/**
 * Raw records (the store answers a range of few records with the records themselves) folded
 * into intervals of `width`, as the store's own intervals would hold them.
 */
function intoIntervals(raw: Downsampled, width: number): Downsampled {
  const keys: number[] = [];
  const count: number[] = [];
  const series: Record<number, DownsampledSeries & { n: number[] }> = {};
  for (const sk of Object.keys(raw.series)) {
    series[Number(sk)] = { min: [], max: [], avg: [], last: [], n: [] };
  }
  raw.keys.forEach((rawKey, r) => {
    const start = intervalStart(Number(rawKey), width);
    if (keys.at(-1) !== start) {
      keys.push(start);
      count.push(0);
      for (const s of Object.values(series)) {
        for (const column of [s.min, s.max, s.avg, s.last]) column.push(null);
        s.n.push(0);
      }
    }
    const i = keys.length - 1;
    count[i]! += 1;
    for (const [sk, s] of Object.entries(series)) {
      const value = raw.series[Number(sk)]?.avg[r];
      if (value === null || value === undefined) continue;
      const n = s.n[i]!;
      s.min[i] = Math.min(s.min[i] ?? value, value);
      s.max[i] = Math.max(s.max[i] ?? value, value);
      s.avg[i] = ((s.avg[i] ?? 0) * n + value) / (n + 1);
      s.last[i] = value;
      s.n[i] = n + 1;
    }
  });
  const folded: Downsampled['series'] = {};
  for (const [sk, { n: _, ...s }] of Object.entries(series)) folded[Number(sk)] = s;
  return { ...raw, interval: width, keys, count, series: folded };
}
