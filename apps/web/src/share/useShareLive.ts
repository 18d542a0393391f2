import type { PushedRead, ShareAnswer, ShareAnswerChange } from '@bucketgrid/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useLiveStream } from '../hooks/useLiveStream.ts';
import type { LiveStatus } from '../lib/live-connection.ts';
import { dashboardKeys } from '../lib/query-keys.ts';
import { trpc } from '../lib/trpc.ts';
import type { PushedAnswers } from './pushed-answers.ts';

/**
 * A public page refetches a bucket at most once a second while records stream in: its many
 * viewers share the link's read budget (docs/sharing.md, "Limits").
 */
const REFRESH_GAP_MS = 1_000;
/**
 * Every viewer hears of a write at the same moment: a page that asks for its answers waits a
 * random part of this first, so that the server gets a steady trickle of (shared) reads
 * instead of a burst that queues everyone else's requests behind it (docs/performance.md,
 * "Live views and public links"). A page whose answers are pushed asks nothing: no wait.
 */
const REFRESH_SPREAD_MS = 1_000;

/**
 * The share link's live stream (`share.live`): each write to a shown bucket refetches the
 * widgets that read it; a saved layout or changed buckets reopen the page's grid. `onGone` is
 * told at once when the link was revoked. With `pushed` (a locked link), the stream names the
 * widgets' reads and brings their answers before each event, which the refetch then finds
 * there instead of asking the server.
 */
export function useShareLive(
  token: string,
  dashboardId: string,
  onGone: () => void,
  pushed: { answers: PushedAnswers; reads: PushedRead[] } | null,
): LiveStatus {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const reads = pushed?.reads ?? [];
  // Another set of reads reopens the stream with it (then `onStarted` catches up).
  return useLiveStream(`${token}\n${dashboardId}\n${JSON.stringify(reads)}`, {
    subscribe: (callbacks) =>
      utils.client.share.live.subscribe(reads.length > 0 ? { token, reads } : { token }, {
        ...callbacks,
        onData(value) {
          const event = value.data;
          if (event.type === 'answer') pushed?.answers.put(event as ShareAnswer);
          else if (event.type === 'answerChange')
            pushed?.answers.change(event as ShareAnswerChange);
          else callbacks.onData({ data: event });
        },
      }),
    refreshBucket: (bucketId) =>
      queryClient.invalidateQueries({ queryKey: dashboardKeys.bucket(dashboardId, bucketId) }),
    refreshGapMs: REFRESH_GAP_MS,
    refreshSpreadMs: reads.length > 0 ? 0 : REFRESH_SPREAD_MS,
    onEvent: () => void utils.share.open.invalidate({ token }),
    onStarted: (since) => {
      pushed?.answers.forget();
      void queryClient.invalidateQueries({
        queryKey: dashboardKeys.dashboard(dashboardId),
        predicate: (query) => query.state.dataUpdatedAt < since,
      });
    },
    onEnded: (code) => {
      if (code === 'share_link_not_found') onGone();
      // A read it named shows a bucket the saved grid no longer does: the new grid names others.
      if (code === 'bucket_not_found') void utils.share.open.invalidate({ token });
    },
  });
}
