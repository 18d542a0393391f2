import {
  answerChange,
  type Downsampled,
  MAX_PUSHED_READS,
  type PushedRead,
} from '@bucketgrid/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PUSHED_ANSWER_FRESH_MS, PushedAnswers } from './pushed-answers.ts';

const chart: PushedRead = { kind: 'downsample', bucketId: 'b1', points: 500, series: [1] };

describe('PushedAnswers', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('stands in for a read while its pushed answer is fresh, whatever order its fields came in', () => {
    const answers = new PushedAnswers(() => {});
    expect(answers.fresh(chart)).toBeUndefined();
    answers.put({ type: 'answer', bucketId: 'b1', read: chart, version: '1', data: { keys: [1] } });
    const reordered: PushedRead = { series: [1], points: 500, bucketId: 'b1', kind: 'downsample' };
    expect(answers.fresh(reordered)).toEqual({ keys: [1] });
    expect(answers.fresh({ ...chart, points: 100 })).toBeUndefined();
    vi.advanceTimersByTime(PUSHED_ANSWER_FRESH_MS);
    expect(answers.fresh(chart)).toBeUndefined();
  });

  it('forgets every answer when the stream reopens', () => {
    const answers = new PushedAnswers(() => {});
    answers.put({ type: 'answer', bucketId: 'b1', read: chart, version: '1', data: { keys: [1] } });
    answers.forget();
    expect(answers.fresh(chart)).toBeUndefined();
  });

  it('applies what changed to the answer it was told against, and drops a held answer it does not fit', () => {
    const answers = new PushedAnswers(() => {});
    const chartAt = (keys: number[]): Downsampled => ({
      interval: 10,
      keys,
      count: keys.map(() => 1),
      series: { 1: { min: keys, max: keys, avg: keys, last: keys } },
      truncated: false,
    });
    const before = chartAt([10, 20, 30, 40]);
    const after = chartAt([20, 30, 40, 50]);
    answers.put({ type: 'answer', bucketId: 'b1', read: chart, version: '1', data: before });
    const change = answerChange('downsample', before, after)!;
    const told = { type: 'answerChange', bucketId: 'b1', read: chart, change } as const;
    answers.change({ ...told, version: '2', base: '1' });
    expect(answers.fresh(chart)).toEqual(after);
    // Told against an answer this page was never pushed: the one it holds is stale.
    answers.change({ ...told, version: '4', base: '3' });
    expect(answers.fresh(chart)).toBeUndefined();
  });

  it('names the reads answered once they settle, each once, at most the server’s cap', () => {
    const named: PushedRead[][] = [];
    const answers = new PushedAnswers((reads) => named.push(reads));
    answers.note(chart);
    answers.note(chart);
    answers.note({ kind: 'records', bucketId: 'b2', order: 'desc', limit: 20 });
    expect(named).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(named).toHaveLength(1);
    expect(named[0]).toHaveLength(2);
    for (let points = 1; points <= MAX_PUSHED_READS * 2; points++) {
      answers.note({ ...chart, points });
    }
    vi.advanceTimersByTime(1_000);
    expect(named.at(-1)).toHaveLength(MAX_PUSHED_READS);
  });

  it('never names a read the server would refuse to parse', () => {
    const named: PushedRead[][] = [];
    const answers = new PushedAnswers((reads) => named.push(reads));
    answers.note({ ...chart, points: 1_000_000 });
    vi.advanceTimersByTime(1_000);
    expect(named).toEqual([]);
  });
});
