import {
  type BucketType,
  chooseInterval,
  type DataRecord,
  type Downsampled,
  type DownsampledSeries,
  type DownsampleQuery,
  type RecordKey,
} from '@bucketgrid/shared';
import { expect } from 'vitest';

/**
 * The reference model of `Store.downsampleRecords`: the documented semantics computed the
 * plainest way, from every record of the bucket in memory. Shares no code with the store.
 */
export function referenceDownsample(
  type: BucketType,
  stored: readonly DataRecord[],
  query: DownsampleQuery,
): Downsampled {
  const compare = (a: RecordKey, b: RecordKey) => (a < b ? -1 : a > b ? 1 : 0);
  const all = [...stored].sort((a, b) => compare(a.key, b.key));
  const from = query.from ?? all[0]?.key;
  const to = query.to ?? all.at(-1)?.key;
  const inRange = all.filter(
    (r) => (from === undefined || r.key >= from) && (to === undefined || r.key <= to),
  );
  const wanted = (sk: number) => !query.series || query.series.includes(sk);

  if (type === 'KV' || inRange.length <= query.points) {
    const shown = inRange.slice(0, query.points);
    const series: Record<number, DownsampledSeries> = {};
    shown.forEach((record, i) => {
      for (const [name, value] of Object.entries(record.values)) {
        if (value === null || !wanted(Number(name))) continue;
        series[Number(name)] ??= blank(shown.length);
        const columns = series[Number(name)]!;
        columns.min[i] = columns.max[i] = columns.avg[i] = columns.last[i] = value;
      }
    });
    return {
      interval: null,
      keys: shown.map((r) => r.key),
      count: shown.map(() => 1),
      series,
      truncated: inRange.length > shown.length,
    };
  }

  let interval = chooseInterval(type, (to as number) - (from as number), query.points);
  let byStart = new Map<number, DataRecord[]>();
  for (const record of inRange) {
    const start = Math.floor((record.key as number) / interval) * interval;
    if (!byStart.has(start)) byStart.set(start, []);
    byStart.get(start)!.push(record);
  }
  let starts = [...byStart.keys()].sort((a, b) => a - b);
  if (query.points === 1 && starts.length > 1) {
    // One point is one interval: the two aligned intervals the range falls in, as one.
    interval = starts.at(-1)! - starts[0]! + interval;
    byStart = new Map([[starts[0]!, inRange]]);
    starts = [starts[0]!];
  }
  const series: Record<number, DownsampledSeries> = {};
  starts.forEach((start, i) => {
    const values = new Map<number, number[]>();
    for (const record of byStart.get(start)!) {
      for (const [name, value] of Object.entries(record.values)) {
        if (value === null || !wanted(Number(name))) continue;
        if (!values.has(Number(name))) values.set(Number(name), []);
        values.get(Number(name))!.push(value);
      }
    }
    for (const [sk, list] of values) {
      series[sk] ??= blank(starts.length);
      const columns = series[sk]!;
      columns.min[i] = Math.min(...list);
      columns.max[i] = Math.max(...list);
      columns.avg[i] = mean(list);
      columns.last[i] = list.at(-1)!;
    }
  });
  return {
    interval,
    keys: starts,
    count: starts.map((start) => byStart.get(start)!.length),
    series,
    truncated: false,
  };
}

/** The mean, summed at 2^-20 where the plain sum overflows (values near ±1.8e308). */
function mean(values: readonly number[]): number {
  const sum = values.reduce((total, v) => total + v, 0);
  if (Number.isFinite(sum)) return sum / values.length;
  return (values.reduce((total, v) => total + v * 2 ** -20, 0) / values.length) * 2 ** 20;
}

function blank(length: number): DownsampledSeries {
  const nulls = () => new Array<number | null>(length).fill(null);
  return { min: nulls(), max: nulls(), avg: nulls(), last: nulls() };
}

/**
 * Averages may differ in their last bits (sums in another order: a float sum's error grows
 * with its largest value, so values near ±1.8e308 that cancel leave an error that is small
 * next to them, not to their mean); everything else is exact.
 */
export function expectSameDownsampled(actual: Downsampled, expected: Downsampled, what = ''): void {
  const withoutAvg = (d: Downsampled) => ({
    ...d,
    series: Object.fromEntries(
      Object.entries(d.series).map(([sk, s]) => [sk, { min: s.min, max: s.max, last: s.last }]),
    ),
  });
  expect(withoutAvg(actual), what).toEqual(withoutAvg(expected));
  for (const [sk, columns] of Object.entries(expected.series)) {
    const avg = actual.series[Number(sk)]!.avg;
    columns.avg.forEach((value, i) => {
      if (value === null) expect(avg[i], what).toBeNull();
      else {
        const largest = Math.max(Math.abs(columns.min[i]!), Math.abs(columns.max[i]!));
        expect(avg[i], what).not.toBeNull();
        expect(Math.abs(avg[i]! - value), what).toBeLessThanOrEqual(
          Math.max(1e-9 * Math.max(1, Math.abs(value)), 1e-12 * largest),
        );
      }
    });
  }
}
