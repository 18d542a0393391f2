import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type Coalescer, coalesce } from '../lib/coalesce.ts';
import { describeError } from '../lib/errors.ts';
import type { LiveOperationContext, LiveStatus } from '../lib/live-connection.ts';
import { dashboardKeys } from '../lib/query-keys.ts';
import { trpc } from '../lib/trpc.ts';

/**
 * A public page refetches a bucket at most once a second while records stream in: its many
 * viewers share the link's read budget (docs/sharing.md, "Limits").
 */
const REFRESH_GAP_MS = 1_000;
/**
 * Every viewer hears of a write at the same moment: each refetches within this much of it, at
 * random, so that the server gets a steady trickle of (shared) reads instead of a burst that
 * queues everyone else's requests behind it (docs/performance.md, "Live views and public links").
 */
const REFRESH_SPREAD_MS = 1_000;

/**
 * The share link's live stream (`share.live`): each write to a shown bucket refetches the
 * widgets that read it; a saved layout or changed buckets reopen the page's grid. A stream
 * that drops is reopened by itself (lib/live-connection.ts); `onGone` is told at once when
 * the link was revoked.
 */
export function useShareLive(token: string, dashboardId: string, onGone: () => void): LiveStatus {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    const perBucket = new Map<string, Coalescer>();
    const refreshBucket = (bucketId: string) => {
      let refresher = perBucket.get(bucketId);
      if (!refresher) {
        refresher = coalesce(
          () =>
            queryClient.invalidateQueries({
              queryKey: dashboardKeys.bucket(dashboardId, bucketId),
            }),
          REFRESH_GAP_MS,
          REFRESH_SPREAD_MS,
        );
        perBucket.set(bucketId, refresher);
      }
      refresher.trigger();
    };
    // When the stream now open began connecting: what was read before it may be stale.
    let connectingSince = Date.now();
    let started = false;
    const interrupted = () => {
      connectingSince = Date.now();
      setStatus(started ? 'reconnecting' : 'connecting');
    };
    const context: LiveOperationContext = { onRetry: interrupted };

    const subscription = utils.client.share.live.subscribe(
      { token },
      {
        context: context as Record<string, unknown>,
        onStarted() {
          started = true;
          setStatus('live');
          // Writes made while no stream was open sent no event: refetch what is older than it.
          queryClient.invalidateQueries({
            queryKey: dashboardKeys.dashboard(dashboardId),
            predicate: (query) => query.state.dataUpdatedAt < connectingSince,
          });
        },
        onData({ data: event }) {
          if (event.type === 'records') refreshBucket(event.bucketId);
          else utils.share.open.invalidate({ token });
        },
        onConnectionStateChange(state) {
          if (state.state === 'connecting' && state.error) interrupted();
        },
        onError(error) {
          setStatus(started ? 'reconnecting' : 'connecting');
          if (describeError(error).code === 'share_link_not_found') onGone();
        },
      },
    );
    return () => {
      subscription.unsubscribe();
      for (const refresher of perBucket.values()) refresher.cancel();
    };
  }, [token, dashboardId, utils, queryClient, onGone]);

  return status;
}
