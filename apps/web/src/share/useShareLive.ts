import type { LiveEvent } from '@bucketgrid/trpc';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type Coalescer, coalesce } from '../lib/coalesce.ts';
import { describeError } from '../lib/errors.ts';
import { keepLive, type LiveStatus } from '../lib/live-connection.ts';
import { gridKeys } from '../lib/query-keys.ts';
import { trpc } from '../lib/trpc.ts';

/**
 * A public page refetches a bucket at most once a second while records stream in: its many
 * viewers share the link's read budget (docs/sharing.md, "Limits").
 */
const REFRESH_GAP_MS = 1_000;

/**
 * The share link's live stream (`share.live`): each write to a shown bucket refetches the
 * widgets that read it; a saved layout or changed buckets reopen the page's grid. The stream
 * reopens by itself after a drop; `onGone` is told at once when the link was revoked.
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
          () => queryClient.invalidateQueries({ queryKey: gridKeys.bucket(dashboardId, bucketId) }),
          REFRESH_GAP_MS,
        );
        perBucket.set(bucketId, refresher);
      }
      refresher.trigger();
    };
    let openedAt = 0;
    const stop = keepLive<LiveEvent>({
      open(handlers) {
        openedAt = Date.now();
        const subscription = utils.client.share.live.subscribe(
          { token },
          {
            onStarted: handlers.onStarted,
            onData: (tracked) => handlers.onData(tracked.data),
            onError: (error) => handlers.onEnded(error),
            onComplete: () => handlers.onEnded(),
            onConnectionStateChange: (state) => {
              if (state.state === 'connecting' && state.error) handlers.onInterrupted();
            },
          },
        );
        return () => subscription.unsubscribe();
      },
      onEvent(event) {
        if (event.type === 'records') refreshBucket(event.bucketId);
        else utils.share.open.invalidate({ token });
      },
      onStatus: setStatus,
      onStarted() {
        // Writes made while no stream was open sent no event: refetch what is older than it.
        queryClient.invalidateQueries({
          queryKey: gridKeys.dashboard(dashboardId),
          predicate: (query) => query.state.dataUpdatedAt < openedAt,
        });
      },
      onError(error) {
        if (describeError(error).code === 'share_link_not_found') onGone();
      },
    });
    return () => {
      stop();
      for (const refresher of perBucket.values()) refresher.cancel();
    };
  }, [token, dashboardId, utils, queryClient, onGone]);

  return status;
}
