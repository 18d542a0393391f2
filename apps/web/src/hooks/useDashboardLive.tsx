import { LIVE_REFRESH_GAP_MS } from '@bucketgrid/shared';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import type { LiveStatus } from '../lib/live-connection.ts';
import { dashboardKeys } from '../lib/query-keys.ts';
import { trpc } from '../lib/trpc.ts';
import { useLiveStream } from './useLiveStream.ts';

export type { LiveStatus };

/** The bucket list (counts, last write) needs less: once a second at most. */
const LIST_REFRESH_GAP_MS = 1_000;

const LiveContext = createContext<LiveStatus>('connecting');

/** The state of the open dashboard's live stream, for the "Reconnecting…" badge. */
export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext);
}

/**
 * One live stream per open dashboard (`dashboards.live`), shared by every tab, widget and
 * bucket view in it (hooks/useLiveStream.ts): records refetch their bucket's queries and the
 * bucket list, bucket changes the list, a saved layout the grid.
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
  const status = useLiveStream(dashboardId, {
    subscribe: (callbacks) => utils.client.dashboards.live.subscribe({ dashboardId }, callbacks),
    refreshBucket: (bucketId) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: dashboardKeys.bucket(dashboardId, bucketId) }),
        utils.buckets.get.invalidate({ dashboardId, bucketId }),
      ]),
    refreshGapMs: LIVE_REFRESH_GAP_MS,
    afterRecords: {
      refresh: () => utils.buckets.list.invalidate({ dashboardId }),
      gapMs: LIST_REFRESH_GAP_MS,
    },
    onEvent(event) {
      if (event.type === 'buckets') {
        utils.buckets.list.invalidate({ dashboardId });
        utils.buckets.get.invalidate();
      } else if (event.type === 'alerts') {
        utils.alerts.list.invalidate({ dashboardId });
      } else {
        const cached = queryClient.getQueryData<{ version: number }>(
          dashboardKeys.layout(dashboardId),
        );
        if (cached?.version !== event.version) {
          queryClient.invalidateQueries({ queryKey: dashboardKeys.layout(dashboardId) });
        }
      }
    },
    onStarted(since) {
      // A resumed stream also replays what it missed; the refetch costs little.
      const stale = {
        predicate: (query: { state: { dataUpdatedAt: number } }) =>
          query.state.dataUpdatedAt < since,
      };
      queryClient.invalidateQueries({ queryKey: dashboardKeys.dashboard(dashboardId), ...stale });
      utils.buckets.invalidate(undefined, stale);
      utils.alerts.list.invalidate({ dashboardId }, stale);
    },
    onEnded(code) {
      if (code === 'unauthenticated') utils.auth.me.invalidate();
      if (code === 'not_found' || code === 'forbidden') utils.dashboards.bySlug.invalidate();
    },
  });

  return <LiveContext.Provider value={status}>{children}</LiveContext.Provider>;
}
