import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from '../src/coalescer.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function collect(intervalMs: number, perSecond: number) {
  const sent: { key: string; value: number; at: number }[] = [];
  const coalescer = new Coalescer<{ key: string; value: number }>(intervalMs, perSecond, (e) =>
    sent.push({ ...e, at: performance.now() }),
  );
  return {
    sent,
    push: (key: string, value: number) => coalescer.push(key, { key, value }),
    coalescer,
  };
}

describe('Coalescer', () => {
  it('sends a key at once, then at most once per interval, always ending with its latest event', () => {
    const { sent, push } = collect(100, 50);
    const start = performance.now();
    // A key written every millisecond for one second.
    for (let i = 1; i <= 1_000; i++) {
      push('a', i);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(200);
    expect(sent[0]).toEqual({ key: 'a', value: 1, at: start });
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThanOrEqual(11);
    for (let i = 1; i < sent.length; i++) {
      expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(100);
    }
    expect(sent.at(-1)!.value).toBe(1_000);
  });

  it('keeps a dashboard of many busy keys within its budget, every key taking turns', () => {
    const { sent, push } = collect(100, 50);
    for (let key = 0; key < 300; key++) push(`k${key}`, 1);
    // A burst of at most the budget goes at once…
    expect(sent.length).toBe(50);
    // …the rest follows at the budget's pace, oldest first, each key's event exactly once.
    vi.advanceTimersByTime(1_000);
    expect(sent.length).toBeGreaterThanOrEqual(99);
    expect(sent.length).toBeLessThanOrEqual(101);
    vi.advanceTimersByTime(5_000);
    expect(sent.map((event) => event.key)).toEqual(
      Array.from({ length: 300 }, (_, key) => `k${key}`),
    );
    // Busy for ten more seconds: about 50 a second, never more.
    const before = sent.length;
    for (let ms = 0; ms < 10_000; ms += 10) {
      for (let key = 0; key < 300; key += 7) push(`k${key}`, ms);
      vi.advanceTimersByTime(10);
    }
    expect(sent.length - before).toBeLessThanOrEqual(50 * 10 + 50);
    expect(sent.length - before).toBeGreaterThanOrEqual(50 * 9);
  });

  it('with no interval sends every event while the budget lasts', () => {
    const { sent, push } = collect(0, 1_000);
    for (let i = 0; i < 500; i++) push('a', i);
    expect(sent.map((event) => event.value)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('sends nothing after close', () => {
    const { sent, push, coalescer } = collect(100, 50);
    push('a', 1);
    push('a', 2);
    coalescer.close();
    vi.advanceTimersByTime(1_000);
    expect(sent.map((event) => event.value)).toEqual([1]);
  });
});
