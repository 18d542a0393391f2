import type { LiveEvent } from '@bucketgrid/trpc';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { type Coalescer, coalesce } from '../lib/coalesce.ts';
import { describeError } from '../lib/errors.ts';
import { keepLive, type LiveStatus } from '../lib/live-connection.ts';
import { dashboardKeys } from '../lib/query-keys.ts';
import { trpc } from '../lib/trpc.ts';

export type { LiveStatus };

/** At most this many refetches per second per bucket while records stream in. */
const MIN_REFRESH_GAP_MS = 250;
/** The bucket list (counts, last write) needs less: once a second at most. */
const LIST_REFRESH_GAP_MS = 1_000;

const LiveContext = createContext<LiveStatus>('connecting');

/** The state of the open dashboard's live stream, for the "Reconnecting…" badge. */
export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext);
}

/**
 * One live stream per open dashboard (`dashboards.live`), shared by every tab, widget and
 * bucket view in it. Each event refetches what it makes stale, in place (queries keep their
 * data while refetching); bursts fold into a few refetches a second per bucket. A stream
 * that drops is reopened by itself, and every reopen catches up on what it missed.
 */
export function DashboardLive({
  dashboardId,
  children,
}: {
  dashboardId: string;
  children: ReactNode;
}) {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    const perBucket = new Map<string, Coalescer>();
    const list = coalesce(
      () => utils.buckets.list.invalidate({ dashboardId }),
      LIST_REFRESH_GAP_MS,
    );
    const refreshBucket = (bucketId: string) => {
      let refresher = perBucket.get(bucketId);
      if (!refresher) {
        refresher = coalesce(
          () =>
            Promise.all([
              queryClient.invalidateQueries({
                queryKey: dashboardKeys.bucket(dashboardId, bucketId),
              }),
              utils.buckets.get.invalidate({ dashboardId, bucketId }),
            ]),
          MIN_REFRESH_GAP_MS,
        );
        perBucket.set(bucketId, refresher);
      }
      refresher.trigger();
      list.trigger();
    };
    let openedAt = 0;

    const stop = keepLive<LiveEvent>({
      open(handlers) {
        openedAt = Date.now();
        const subscription = utils.client.dashboards.live.subscribe(
          { dashboardId },
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
        else if (event.type === 'buckets') {
          utils.buckets.list.invalidate({ dashboardId });
          utils.buckets.get.invalidate();
        } else if (event.type === 'layout') {
          const cached = queryClient.getQueryData<{ version: number }>(
            dashboardKeys.layout(dashboardId),
          );
          if (cached?.version !== event.version) {
            queryClient.invalidateQueries({ queryKey: dashboardKeys.layout(dashboardId) });
          }
        }
      },
      onStatus: setStatus,
      onStarted() {
        // Writes made while no stream was open sent no event: refetch what is older than it.
        const stale = {
          predicate: (query: { state: { dataUpdatedAt: number } }) =>
            query.state.dataUpdatedAt < openedAt,
        };
        queryClient.invalidateQueries({ queryKey: dashboardKeys.dashboard(dashboardId), ...stale });
        utils.buckets.invalidate(undefined, stale);
      },
      onError(error) {
        // A stream ends for good when the session or the membership did: let the pages see it.
        const code = describeError(error).code;
        if (code === 'unauthenticated') utils.auth.me.invalidate();
        if (code === 'not_found' || code === 'forbidden') utils.dashboards.bySlug.invalidate();
      },
    });
    return () => {
      stop();
      list.cancel();
      for (const refresher of perBucket.values()) refresher.cancel();
    };
  }, [dashboardId, utils, queryClient]);

  return <LiveContext.Provider value={status}>{children}</LiveContext.Provider>;
}
