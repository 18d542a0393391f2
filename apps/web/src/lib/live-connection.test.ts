import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, keepLive, type LiveHandlers, type LiveStatus } from './live-connection.ts';

describe('keepLive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const streams: { handlers: LiveHandlers<string>; closed: boolean }[] = [];
    const statuses: LiveStatus[] = [];
    const events: string[] = [];
    const starts: boolean[] = [];
    const errors: unknown[] = [];
    const stop = keepLive<string>({
      open(handlers) {
        const stream = { handlers, closed: false };
        streams.push(stream);
        return () => {
          stream.closed = true;
        };
      },
      onEvent: (event) => events.push(event),
      onStatus: (status) => statuses.push(status),
      onStarted: (first) => starts.push(first),
      onError: (error) => errors.push(error),
      backoffMs: (attempt) => 1000 * (attempt + 1),
    });
    return { streams, statuses, events, starts, errors, stop };
  }

  it('passes events on and reports the stream live once it starts', () => {
    const { streams, statuses, events, starts } = setup();
    expect(statuses).toEqual(['connecting']);
    streams[0]!.handlers.onStarted();
    streams[0]!.handlers.onData('a');
    expect(statuses).toEqual(['connecting', 'live']);
    expect(events).toEqual(['a']);
    expect(starts).toEqual([true]);
  });

  it('reopens an ended stream with a growing backoff and catches up when it is back', async () => {
    const { streams, statuses, starts, errors } = setup();
    streams[0]!.handlers.onStarted();
    streams[0]!.handlers.onEnded();
    expect(statuses.at(-1)).toBe('reconnecting');
    expect(streams[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(2);
    streams[1]!.handlers.onEnded(new Error('offline'));
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(streams).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(3);
    streams[2]!.handlers.onStarted();
    expect(statuses.at(-1)).toBe('live');
    expect(starts).toEqual([true, false]);
    // A later failure starts the backoff from the beginning again.
    streams[2]!.handlers.onEnded();
    await vi.advanceTimersByTimeAsync(1000);
    expect(streams).toHaveLength(4);
  });

  it('shows a transport interruption as reconnecting, and ignores a replaced stream', () => {
    const { streams, statuses, events } = setup();
    streams[0]!.handlers.onStarted();
    streams[0]!.handlers.onInterrupted();
    expect(statuses.at(-1)).toBe('reconnecting');
    streams[0]!.handlers.onEnded();
    streams[0]!.handlers.onData('late');
    expect(events).toEqual([]);
  });

  it('stops for good: no reopen, stream closed', async () => {
    const { streams, stop } = setup();
    streams[0]!.handlers.onEnded();
    stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(streams).toHaveLength(1);
    const { streams: others, stop: stopOthers } = setup();
    stopOthers();
    expect(others[0]!.closed).toBe(true);
  });

  it('backs off up to 30 s with some jitter', () => {
    expect(backoffMs(0, () => 0)).toBe(1000);
    expect(backoffMs(3, () => 0)).toBe(8000);
    expect(backoffMs(20, () => 1)).toBe(36_000);
  });
});
