import { describe, expect, it } from 'vitest';
import {
  type AnswerChange,
  answerChange,
  applyAnswerChange,
  type Downsampled,
  type LongRecord,
} from '../src/index.ts';

/** A chart of intervals `keys` (10 apart) whose figures are `figure(key)`, series 1 and 2. */
function chart(keys: number[], figure = (key: number) => key): Downsampled {
  const of = (sk: number) => keys.map((key) => figure(key) * sk);
  return {
    interval: 10,
    keys,
    count: keys.map(() => 3),
    series: {
      1: { min: of(1), max: of(1), avg: of(1), last: of(1) },
      2: { min: of(2), max: of(2), avg: of(2), last: [...of(2).slice(0, -1), null] },
    },
    truncated: false,
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: (to - from) / 10 }, (_, i) => from + i * 10);

/** Whatever the change, applied to `before` it gives exactly `after`, as the wire carries it. */
function roundTrip(kind: 'downsample' | 'records', before: unknown, after: unknown) {
  const change = answerChange(kind, before, after);
  if (change) {
    const wire = JSON.parse(JSON.stringify(change)) as AnswerChange;
    expect(applyAnswerChange(kind, JSON.parse(JSON.stringify(before)), wire)).toEqual(after);
  }
  return change;
}

describe('answerChange', () => {
  it('tells a chart of the last hour as its changed ends: the range slid, the newest interval grew', () => {
    const before = chart(range(0, 5_000));
    const after = chart(range(10, 5_010), (key) => (key === 4_990 ? 7 : key));
    const change = roundTrip('downsample', before, after)!;
    expect(change.keep).toEqual([1, 499]);
    expect((change.head as Downsampled).keys).toEqual([]);
    expect((change.tail as Downsampled).keys).toEqual([4_990, 5_000]);
    expect(JSON.stringify(change).length).toBeLessThan(JSON.stringify(after).length / 20);
  });

  it('keeps the first interval out when the range start cut it differently', () => {
    const before = chart(range(0, 1_000));
    const after = { ...chart(range(0, 1_010)), count: [1, ...range(10, 1_010).map(() => 3)] };
    // The newest interval before changed too: its series 2 had no last value (see chart).
    expect(roundTrip('downsample', before, after)!.keep).toEqual([1, 99]);
  });

  it('sends the whole answer when little is kept, or the interval or the series changed', () => {
    const before = chart(range(0, 100));
    expect(roundTrip('downsample', before, chart(range(60, 160)))).toBeNull();
    expect(roundTrip('downsample', before, { ...before, interval: 20 })).toBeNull();
    const oneSeries = { ...before, series: { 1: before.series[1]! } };
    expect(roundTrip('downsample', before, oneSeries)).toBeNull();
    expect(roundTrip('downsample', chart([]), chart([]))).toBeNull();
  });

  it('holds to every random pair of answers of one read', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 300; round++) {
      const start = Math.floor(random() * 5) * 10;
      const keys = range(start, start + 10 + Math.floor(random() * 40) * 10).filter(
        () => random() < 0.9,
      );
      const before = chart(keys);
      const after = chart(
        keys.filter(() => random() < 0.95).concat(random() < 0.5 ? [10_000] : []),
        (key) => (random() < 0.1 ? -key - 1 : key),
      );
      roundTrip('downsample', before, after);
    }
  });

  it('tells the latest records as the newest ones before those kept', () => {
    const record = (key: number): LongRecord => ({
      key,
      data: [{ series_key: 1, value: key / 2 }],
    });
    const page = (keys: number[]) => ({ records: keys.map(record), nextCursor: `c${keys.at(-1)}` });
    const before = page([9, 8, 7, 6, 5, 4]);
    const after = page([11, 10, 9, 8, 7, 6]);
    const change = roundTrip('records', before, after)!;
    expect(change.keep).toEqual([0, 4]);
    expect(change.head).toEqual({ records: [record(11), record(10)], nextCursor: 'c6' });
    // A record rewritten in place is a changed row.
    const rewritten = {
      ...after,
      records: after.records.map((r, i) => (i === 3 ? record(99) : r)),
    };
    expect(roundTrip('records', after, rewritten)!.keep).toEqual([0, 3]);
  });

  it('does not apply to an answer shorter than the rows it keeps', () => {
    const change = answerChange('downsample', chart(range(0, 100)), chart(range(10, 110)))!;
    expect(applyAnswerChange('downsample', chart(range(0, 50)), change)).toBeNull();
  });
});
