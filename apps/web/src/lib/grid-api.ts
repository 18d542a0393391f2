import type { Unsubscribable } from '@trpc/server/observable';

/** What `dashboards.live` streams: records written, bucket list or series changed, layout saved. */
export type LiveEvent =
  | { type: 'records'; bucketId: string; at: number }
  | { type: 'buckets'; at: number }
  | { type: 'layout'; version: number; at: number };

/** The server sends tracked events (an id to resume from, and the event). */
export interface TrackedLiveEvent {
  id: string;
  data: LiveEvent;
}

/**
 * `dashboards.live`, typed as agreed while the server adds it; the app reaches it only
 * through this file.
 */
export interface LiveApi {
  dashboards: {
    live: {
      subscribe(
        input: { dashboardId: string },
        handlers: {
          onStarted?: () => void;
          onData: (event: TrackedLiveEvent) => void;
          onError?: (error: unknown) => void;
          onComplete?: () => void;
          onConnectionStateChange?: (state: { state: string; error: unknown }) => void;
        },
      ): Unsubscribable;
    };
  };
}

export function liveApi(client: unknown): LiveApi {
  return client as LiveApi;
}
