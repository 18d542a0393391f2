import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from './coalesce.ts';

describe('coalesce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A task whose runs finish when the test says so. */
  function controlledTask() {
    const finishers: (() => void)[] = [];
    const task = vi.fn(() => new Promise<void>((resolve) => finishers.push(resolve)));
    return { task, finishNext: () => finishers.shift()?.() };
  }

  it('folds triggers during a run into exactly one more run', async () => {
    const { task, finishNext } = controlledTask();
    const refresh = coalesce(task, 0);
    refresh.trigger();
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(1);
    refresh.trigger();
    refresh.trigger();
    refresh.trigger();
    await vi.advanceTimersByTimeAsync(100);
    expect(task).toHaveBeenCalledTimes(1);
    finishNext();
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(2);
    finishNext();
    await vi.advanceTimersByTimeAsync(100);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('keeps runs at least the gap apart', async () => {
    const task = vi.fn(() => Promise.resolve());
    const refresh = coalesce(task, 250);
    refresh.trigger();
    await vi.advanceTimersByTimeAsync(0);
    refresh.trigger();
    await vi.advanceTimersByTimeAsync(200);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('keeps going after a failed run', async () => {
    const task = vi.fn(() => Promise.reject(new Error('offline')));
    const refresh = coalesce(task, 0);
    refresh.trigger();
    await vi.advanceTimersByTimeAsync(0);
    refresh.trigger();
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('runs nothing after cancel', async () => {
    const task = vi.fn(() => Promise.resolve());
    const refresh = coalesce(task, 0);
    refresh.trigger();
    refresh.cancel();
    refresh.trigger();
    await vi.advanceTimersByTimeAsync(100);
    expect(task).not.toHaveBeenCalled();
  });
});
