/** What changed on a dashboard, as its open live views are told (`at`: unix ms). */
export type LiveEvent =
  /** Records of the bucket were written, deleted or purged. */
  | { type: 'records'; bucketId: string; at: number }
  /** A bucket was created, renamed or deleted, or its series description changed. */
  | { type: 'buckets'; at: number }
  /** The grid was saved; `version` is the saved layout's version. */
  | { type: 'layout'; version: number; at: number };

export type LiveListener = (event: LiveEvent) => void;

/**
 * How a dashboard's events travel from whoever caused them to every live hub that has views
 * of the dashboard open. In-process on SQLite (one server process per database file); a
 * deployment of many processes on MongoDB puts a change stream behind the same interface.
 */
export interface LiveEvents {
  /** Never waits and never throws: callers are write paths whose answer is already sent. */
  publish(dashboardId: string, event: LiveEvent): void;
  /** Calls `listener` with each event published to the dashboard until `signal` aborts. */
  subscribe(dashboardId: string, listener: LiveListener, signal: AbortSignal): void;
}

/** Events delivered to subscribers in this process, synchronously. */
export class InProcessLiveEvents implements LiveEvents {
  private readonly listeners = new Map<string, Set<LiveListener>>();

  publish(dashboardId: string, event: LiveEvent): void {
    const listeners = this.listeners.get(dashboardId);
    if (!listeners) return;
    for (const listener of listeners) listener(event);
  }

  subscribe(dashboardId: string, listener: LiveListener, signal: AbortSignal): void {
    if (signal.aborted) return;
    let listeners = this.listeners.get(dashboardId);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(dashboardId, listeners);
    }
    listeners.add(listener);
    const subscribed = listeners;
    signal.addEventListener(
      'abort',
      () => {
        subscribed.delete(listener);
        if (subscribed.size === 0 && this.listeners.get(dashboardId) === subscribed) {
          this.listeners.delete(dashboardId);
        }
      },
      { once: true },
    );
  }
}
