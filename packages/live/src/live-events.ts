/** One thing that changed on a dashboard (`at`: unix ms). */
export type LiveChange =
  /** Records of the bucket were written, deleted or purged. */
  | { type: 'records'; bucketId: string; at: number }
  /** A bucket was created, renamed or deleted, or its series description changed. */
  | { type: 'buckets'; at: number }
  /** The grid was saved; `version` is the saved layout's version. */
  | { type: 'layout'; version: number; at: number }
  /**
   * An alert rule changed state (the evaluator), or a rule was created, changed or deleted.
   * Members' views only: share-link views never pass it on (docs/alerts.md).
   */
  | { type: 'alerts'; at: number };

/**
 * What an open live view is told: one change, or several changes made since the previous
 * event, together (`changes`, at most one per bucket and kind, the latest of each). Only a
 * dashboard's members' views get `changes` (the hub gathers a dashboard's changes for them,
 * hub.ts); a bucket's and a share link's views get each change alone.
 */
export type LiveEvent = LiveChange | { type: 'changes'; changes: LiveChange[]; at: number };

/** The changes an event tells of. */
export const changesOf = (event: LiveEvent): LiveChange[] =>
  event.type === 'changes' ? event.changes : [event];

/**
 * A share link of the dashboard was revoked or its token replaced: every process ends the
 * views opened with it. It travels as the dashboard's events do (so that on MongoDB every
 * process learns of it within a second), but is never sent to views.
 */
export interface ShareLinkEnded {
  type: 'shareLinkEnded';
  shareLinkId: string;
  at: number;
}

/** What travels on a dashboard's channel: what its views are told, and what ends some. */
export type DashboardEvent = LiveChange | ShareLinkEnded;

/** What a subscription to a dashboard's events is told. */
export interface LiveSubscriber {
  /** An event published to the dashboard. */
  event(event: DashboardEvent): void;
  /**
   * Events of the dashboard may have been lost on their way (the stream between processes
   * broke off for longer than it can catch up): whatever its views show may be stale.
   */
  missed(): void;
}

/**
 * How a dashboard's events travel from whoever caused them to every live hub that has views
 * of the dashboard open: within the process on SQLite (one server process per database file,
 * `InProcessLiveEvents`), through the store's event log between the processes sharing a
 * MongoDB deployment (`SharedLiveEvents`).
 */
export interface LiveEvents {
  /** Never waits and never throws: callers are write paths whose answer is already sent. */
  publish(dashboardId: string, event: DashboardEvent): void;
  /** Tells `subscriber` of each event published to the dashboard until `signal` aborts. */
  subscribe(dashboardId: string, subscriber: LiveSubscriber, signal: AbortSignal): void;
  /** Stops delivering; sends what is still on its way to other processes, if anything. */
  close(): Promise<void>;
}

/** What coalescing merges: a later event with the same key replaces an earlier one. */
export const eventKey = (event: DashboardEvent): string =>
  event.type === 'records'
    ? `records:${event.bucketId}`
    : event.type === 'shareLinkEnded'
      ? `shareLinkEnded:${event.shareLinkId}`
      : event.type;

/** The subscriptions of this process, by dashboard. */
export class LiveSubscribers {
  private readonly byDashboard = new Map<string, Set<LiveSubscriber>>();

  deliver(dashboardId: string, event: DashboardEvent): void {
    const subscribers = this.byDashboard.get(dashboardId);
    if (!subscribers) return;
    for (const subscriber of subscribers) subscriber.event(event);
  }

  /** Tells every subscription that events may have been lost. */
  missed(): void {
    for (const subscribers of this.byDashboard.values()) {
      for (const subscriber of subscribers) subscriber.missed();
    }
  }

  subscribe(dashboardId: string, subscriber: LiveSubscriber, signal: AbortSignal): void {
    if (signal.aborted) return;
    let subscribers = this.byDashboard.get(dashboardId);
    if (!subscribers) {
      subscribers = new Set();
      this.byDashboard.set(dashboardId, subscribers);
    }
    subscribers.add(subscriber);
    const subscribed = subscribers;
    signal.addEventListener(
      'abort',
      () => {
        subscribed.delete(subscriber);
        if (subscribed.size === 0 && this.byDashboard.get(dashboardId) === subscribed) {
          this.byDashboard.delete(dashboardId);
        }
      },
      { once: true },
    );
  }
}

/** Events delivered to subscribers in this process, synchronously. */
export class InProcessLiveEvents implements LiveEvents {
  private readonly subscribers = new LiveSubscribers();

  publish(dashboardId: string, event: DashboardEvent): void {
    this.subscribers.deliver(dashboardId, event);
  }

  subscribe(dashboardId: string, subscriber: LiveSubscriber, signal: AbortSignal): void {
    this.subscribers.subscribe(dashboardId, subscriber, signal);
  }

  async close(): Promise<void> {}
}
