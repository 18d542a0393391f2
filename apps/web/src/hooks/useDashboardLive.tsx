import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { type Coalescer, coalesce } from '../lib/coalesce.ts';
import { describeError } from '../lib/errors.ts';
import type { LiveOperationContext, LiveStatus } from '../lib/live-connection.ts';
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
 * that drops is reopened by itself (lib/live-connection.ts), resuming after its last event.
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
    // When the stream now open began connecting: what was read before it may be stale.
    let connectingSince = Date.now();
    let started = false;
    const interrupted = () => {
      connectingSince = Date.now();
      setStatus(started ? 'reconnecting' : 'connecting');
    };
    const context: LiveOperationContext = { onRetry: interrupted };

    const subscription = utils.client.dashboards.live.subscribe(
      { dashboardId },
      {
        context: context as Record<string, unknown>,
        onStarted() {
          started = true;
          setStatus('live');
          // Writes made while no stream was open sent no event: refetch what is older than
          // this stream (a resumed stream also replays them; the refetch costs little).
          const stale = {
            predicate: (query: { state: { dataUpdatedAt: number } }) =>
              query.state.dataUpdatedAt < connectingSince,
          };
          queryClient.invalidateQueries({
            queryKey: dashboardKeys.dashboard(dashboardId),
            ...stale,
          });
          utils.buckets.invalidate(undefined, stale);
          utils.alerts.list.invalidate({ dashboardId }, stale);
        },
        onData({ data: event }) {
          if (event.type === 'records') refreshBucket(event.bucketId);
          else if (event.type === 'buckets') {
            utils.buckets.list.invalidate({ dashboardId });
            utils.buckets.get.invalidate();
          } else if (event.type === 'alerts') {
            utils.alerts.list.invalidate({ dashboardId });
          } else if (event.type === 'layout') {
            const cached = queryClient.getQueryData<{ version: number }>(
              dashboardKeys.layout(dashboardId),
            );
            if (cached?.version !== event.version) {
              queryClient.invalidateQueries({ queryKey: dashboardKeys.layout(dashboardId) });
            }
          }
        },
        onConnectionStateChange(state) {
          // The SSE link lost its connection and reopens it by itself.
          if (state.state === 'connecting' && state.error) interrupted();
        },
        onError(error) {
          // Not retried: the session or the membership ended. Let the pages see it.
          setStatus(started ? 'reconnecting' : 'connecting');
          const code = describeError(error).code;
          if (code === 'unauthenticated') utils.auth.me.invalidate();
          if (code === 'not_found' || code === 'forbidden') utils.dashboards.bySlug.invalidate();
        },
      },
    );
    return () => {
      subscription.unsubscribe();
      list.cancel();
      for (const refresher of perBucket.values()) refresher.cancel();
    };
  }, [dashboardId, utils, queryClient]);

  return <LiveContext.Provider value={status}>{children}</LiveContext.Provider>;
}
