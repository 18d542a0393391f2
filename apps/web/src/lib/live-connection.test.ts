import {
  createTRPCUntypedClient,
  type Operation,
  type OperationResultEnvelope,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import { type Observer, observable } from '@trpc/server/observable';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, type LiveOperationContext, liveRetryLink } from './live-connection.ts';

type Envelope = OperationResultEnvelope<unknown, TRPCClientError<never>>;

/**
 * The real tRPC client and our retry link over a stand-in for the network: each opened
 * stream is recorded with the input it was opened with, and the test plays the server.
 */
function setup() {
  const streams: {
    op: Operation;
    observer: Observer<Envelope, TRPCClientError<never>>;
    closed: boolean;
  }[] = [];
  const server: TRPCLink<never> =
    () =>
    ({ op }) =>
      observable((observer) => {
        const stream = { op, observer, closed: false };
        streams.push(stream);
        return () => {
          stream.closed = true;
        };
      });
  const client = createTRPCUntypedClient({
    links: [liveRetryLink((attempt) => 1000 * attempt) as TRPCLink<never>, server],
  });
  const events: unknown[] = [];
  const starts: number[] = [];
  const retries: unknown[] = [];
  const errors: unknown[] = [];
  const context: LiveOperationContext = { onRetry: (error) => retries.push(error) };
  const subscription = client.subscription(
    'dashboards.live',
    { dashboardId: 'd1' },
    {
      context: context as Record<string, unknown>,
      onStarted: () => starts.push(Date.now()),
      onData: (data) => events.push(data),
      onError: (error) => errors.push(error),
    },
  );
  const serverError = (appCode: string) =>
    TRPCClientError.from({
      error: { code: -32600, message: appCode, data: { code: 'BAD_REQUEST', appCode } },
    }) as TRPCClientError<never>;
  return { streams, events, starts, retries, errors, subscription, serverError };
}

describe('live streams through tRPC’s retryLink', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reopens a stream the server ended, after a growing backoff, from the last event', async () => {
    const { streams, events, starts, retries, errors, serverError } = setup();
    expect(streams).toHaveLength(1);
    streams[0]!.observer.next({ result: { type: 'started' } });
    streams[0]!.observer.next({ result: { id: '41', data: { type: 'records', bucketId: 'b' } } });
    streams[0]!.observer.error(serverError('live_view_fell_behind'));
    expect(retries).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(2);
    // It resumes after the last event it delivered: the server replays what was missed.
    expect(streams[1]!.op.input).toEqual({ dashboardId: 'd1', lastEventId: '41' });
    streams[1]!.observer.error(serverError('too_many_live_views'));
    await vi.advanceTimersByTimeAsync(1999);
    expect(streams).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(3);
    streams[2]!.observer.next({ result: { type: 'started' } });
    expect(starts).toHaveLength(2);
    expect(events).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('gives up when another stream would be refused too, and tells the page', async () => {
    const { streams, retries, errors, serverError } = setup();
    streams[0]!.observer.next({ result: { type: 'started' } });
    streams[0]!.observer.error(serverError('unauthenticated'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(streams).toHaveLength(1);
    expect(retries).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('closes the stream and opens no other once the page unsubscribes', async () => {
    const { streams, subscription, serverError } = setup();
    streams[0]!.observer.error(serverError('live_view_fell_behind'));
    subscription.unsubscribe();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(streams).toHaveLength(1);
    const other = setup();
    other.subscription.unsubscribe();
    expect(other.streams[0]!.closed).toBe(true);
  });

  it('backs off up to 30 s with some jitter', () => {
    expect(backoffMs(0, () => 0)).toBe(1000);
    expect(backoffMs(3, () => 0)).toBe(8000);
    expect(backoffMs(20, () => 1)).toBe(36_000);
  });
});
