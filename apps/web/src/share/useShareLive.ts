import { useQueryClient } from '@tanstack/react-query';
import { useLiveStream } from '../hooks/useLiveStream.ts';
import type { LiveStatus } from '../lib/live-connection.ts';
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
 * widgets that read it; a saved layout or changed buckets reopen the page's grid. `onGone` is
 * told at once when the link was revoked.
 */
export function useShareLive(token: string, dashboardId: string, onGone: () => void): LiveStatus {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  return useLiveStream(`${token}\n${dashboardId}`, {
    subscribe: (callbacks) => utils.client.share.live.subscribe({ token }, callbacks),
    refreshBucket: (bucketId) =>
      queryClient.invalidateQueries({ queryKey: dashboardKeys.bucket(dashboardId, bucketId) }),
    refreshGapMs: REFRESH_GAP_MS,
    refreshSpreadMs: REFRESH_SPREAD_MS,
    onEvent: () => void utils.share.open.invalidate({ token }),
    onStarted: (since) =>
      void queryClient.invalidateQueries({
        queryKey: dashboardKeys.dashboard(dashboardId),
        predicate: (query) => query.state.dataUpdatedAt < since,
      }),
    onEnded: (code) => {
      if (code === 'share_link_not_found') onGone();
    },
  });
}
