import type { LiveChange, LiveEvent } from '@bucketgrid/trpc';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { type Coalescer, coalesce } from '../lib/coalesce.ts';
import { describeError } from '../lib/errors.ts';
import type { LiveOperationContext, LiveStatus } from '../lib/live-connection.ts';

/** What a live subscription is given: tRPC's subscribe options, as this hook uses them. */
export interface LiveStreamCallbacks {
  context: Record<string, unknown>;
  onStarted(): void;
  onData(value: { data: LiveEvent }): void;
  onConnectionStateChange(state: { state: string; error: unknown }): void;
  onError(error: unknown): void;
}

export interface LiveStreamOptions {
  /** Opens the stream (`utils.client.….live.subscribe(input, callbacks)`). */
  subscribe(callbacks: LiveStreamCallbacks): { unsubscribe(): void };
  /** Refetches what shows a bucket's records: after its `records` events, coalesced. */
  refreshBucket(bucketId: string): Promise<unknown>;
  /** The least time between two refreshes of one bucket. */
  refreshGapMs: number;
  /** Each refresh waits a random part of this at least (coalesce's `spreadMs`). */
  refreshSpreadMs?: number;
  /** Refetched after any bucket's `records` events too, at most once per its gap. */
  afterRecords?: { refresh(): Promise<unknown>; gapMs: number };
  /** The other changes (`buckets`, `layout`, `alerts`). */
  onEvent(change: Exclude<LiveChange, { type: 'records' }>): void;
  /**
   * The stream is open: writes made while none was open sent no event, so what was read
   * before `since` may be stale.
   */
  onStarted(since: number): void;
  /** The server ended the stream for good with this code (the tRPC client retries the rest). */
  onEnded(code: string | undefined): void;
}

/**
 * One live stream and what its events make stale: a dashboard's grid (`dashboards.live`) and
 * a public page (`share.live`) alike. An event tells of one change or, gathered by the server,
 * of several (`changes`). Each `records` change refetches that bucket's queries, in place,
 * bursts folding into a few refetches a second; a stream that drops is reopened by
 * itself (lib/live-connection.ts), resuming after its last event. `key` names the stream:
 * another key closes it and opens the next.
 */
export function useLiveStream(key: string, options: LiveStreamOptions): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  // The latest options, read when events arrive: the stream stays open across renders.
  const latest = useRef(options);
  useLayoutEffect(() => {
    latest.current = options;
  });

  // `key` names the stream: the options are read through `latest`, never reopening it.
  useEffect(() => {
    const current = () => latest.current;
    const { refreshGapMs, refreshSpreadMs, afterRecords } = current();
    const perBucket = new Map<string, Coalescer>();
    const also =
      afterRecords && coalesce(() => current().afterRecords!.refresh(), afterRecords.gapMs);
    const refreshBucket = (bucketId: string) => {
      let refresher = perBucket.get(bucketId);
      if (!refresher) {
        refresher = coalesce(
          () => current().refreshBucket(bucketId),
          refreshGapMs,
          refreshSpreadMs,
        );
        perBucket.set(bucketId, refresher);
      }
      refresher.trigger();
      also?.trigger();
    };
    // When the stream now open began connecting: what was read before it may be stale.
    let connectingSince = Date.now();
    let started = false;
    const interrupted = () => {
      connectingSince = Date.now();
      setStatus(started ? 'reconnecting' : 'connecting');
    };
    const context: LiveOperationContext = { onRetry: interrupted };

    const subscription = current().subscribe({
      context: context as Record<string, unknown>,
      onStarted() {
        started = true;
        setStatus('live');
        current().onStarted(connectingSince);
      },
      onData({ data: event }) {
        for (const change of event.type === 'changes' ? event.changes : [event]) {
          if (change.type === 'records') refreshBucket(change.bucketId);
          else current().onEvent(change);
        }
      },
      onConnectionStateChange(state) {
        // The SSE link lost its connection and reopens it by itself.
        if (state.state === 'connecting' && state.error) interrupted();
      },
      onError(error) {
        // Not retried: the session, the membership or the link ended.
        setStatus(started ? 'reconnecting' : 'connecting');
        current().onEnded(describeError(error).code);
      },
    });
    return () => {
      subscription.unsubscribe();
      also?.cancel();
      for (const refresher of perBucket.values()) refresher.cancel();
    };
  }, [key]);

  return status;
}
