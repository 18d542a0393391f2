import { useEffect, useMemo, useRef } from 'react';
import { coalesce } from '../lib/coalesce.ts';
import { trpc } from '../lib/trpc.ts';

export type LiveStatus = 'connecting' | 'live' | 'offline';

/** At most this many refreshes per second while records stream in. */
const MIN_REFRESH_GAP_MS = 250;

/**
 * Keeps a bucket's queries (its records, its counts) fresh while the view is open: the server
 * pushes an event over SSE for every write, and each event refetches what is on screen.
 */
export function useLiveBucket(dashboardId: string, bucketId: string): LiveStatus {
  const utils = trpc.useUtils();
  const refresh = useMemo(
    () =>
      coalesce(
        () =>
          Promise.all([
            utils.buckets.records.invalidate({ dashboardId, bucketId }),
            utils.buckets.get.invalidate({ dashboardId, bucketId }),
            utils.buckets.list.invalidate({ dashboardId }),
          ]),
        MIN_REFRESH_GAP_MS,
      ),
    [utils, dashboardId, bucketId],
  );
  useEffect(() => () => refresh.cancel(), [refresh]);

  const subscription = trpc.buckets.live.useSubscription(
    { dashboardId, bucketId },
    { onData: () => refresh.trigger() },
  );

  // Writes that land while the stream is down send no event: catch up on every (re)connect.
  const wasConnected = useRef(false);
  const connected = subscription.status === 'pending';
  useEffect(() => {
    if (connected && !wasConnected.current) refresh.trigger();
    wasConnected.current = connected;
  }, [connected, refresh]);

  if (subscription.status === 'pending') return 'live';
  if (subscription.status === 'error') return 'offline';
  return 'connecting';
}
