import { randomBytes } from 'node:crypto';
import {
  type EventBatch,
  type EventLog,
  EventLogHistoryLost,
  type EventLogPosition,
} from '@bucketgrid/store';
import type { LiveLogger } from './hub.ts';
import {
  type DashboardEvent,
  eventKey,
  type LiveEvents,
  type LiveSubscriber,
  LiveSubscribers,
} from './live-events.ts';

export interface SharedLiveEventsOptions {
  /** The log every process appends to and watches (the store's `eventLog`). */
  log: EventLog;
  logger: LiveLogger;
  /** The clock the catch-up bound reads. */
  now?: () => number;
  /**
   * Per (dashboard, bucket) and process, at most one event per this many ms goes to the log:
   * the others are merged into it (the latest wins), so a busy bucket costs the log a few
   * events a second, not one per write.
   */
  coalesceMs?: number;
  /**
   * After a break, the watch resumes where it stood if that was at most this long ago;
   * otherwise (or when the log no longer holds that position) it starts afresh and every
   * subscription is told it may have missed events (the hub then refreshes its views).
   */
  catchUpMs?: number;
  /** A watch that reports nothing at all (it reports idleness every second) for this long is restarted. */
  stallMs?: number;
  /** The first and the longest pause between failed watches (doubling in between). */
  retryMs?: { first: number; max: number };
  /**
   * Whether to watch the log for other processes' events (default true). A process that only
   * publishes (the admin CLI) does not: it has no views.
   */
  watch?: boolean;
}

/** Events of one batch appended to the log: more wait for the next append. */
const MAX_EVENTS_PER_BATCH = 1_000;
/**
 * Distinct (dashboard, bucket) events waiting to be appended. Only a log that fails for long
 * lets them pile up (coalescing keeps one per bucket); past this, new ones are dropped.
 */
const MAX_PENDING = 100_000;

interface Pending {
  dashboardId: string;
  event: DashboardEvent;
}

/**
 * Live events shared by every server process of a deployment through the store's event log
 * (on MongoDB, a change stream every process watches).
 *
 * Publishing delivers to this process's subscribers at once and queues the event for the
 * log, coalesced per (dashboard, bucket) over `coalesceMs`; batches go out one at a time.
 * Every process watches the log and delivers the batches of the others. After a break the
 * watch resumes from its last position, so nothing is lost, as long as the break was short
 * (`catchUpMs`) and the log still holds that position; otherwise it starts afresh and tells
 * every subscription that events may have been missed.
 */
export class SharedLiveEvents implements LiveEvents {
  private readonly subscribers = new LiveSubscribers();
  private readonly origin = randomBytes(9).toString('base64url');
  private readonly log: EventLog;
  private readonly logger: LiveLogger;
  private readonly now: () => number;
  private readonly coalesceMs: number;
  private readonly catchUpMs: number;
  private readonly stallMs: number;
  private readonly retryMs: { first: number; max: number };

  private readonly pending = new Map<string, Pending>();
  private appendTimer: NodeJS.Timeout | undefined;
  private appending: Promise<void> | undefined;
  private lastAppendAt = Number.NEGATIVE_INFINITY;
  private appendFailing = false;
  private dropped = 0;

  private readonly stopping = new AbortController();
  private readonly following: Promise<void>;
  private closing: Promise<void> | undefined;

  constructor(options: SharedLiveEventsOptions) {
    this.log = options.log;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.coalesceMs = options.coalesceMs ?? 100;
    this.catchUpMs = options.catchUpMs ?? 30_000;
    this.stallMs = options.stallMs ?? 15_000;
    this.retryMs = options.retryMs ?? { first: 100, max: 5_000 };
    this.following = options.watch === false ? Promise.resolve() : this.follow();
  }

  publish(dashboardId: string, event: DashboardEvent): void {
    this.subscribers.deliver(dashboardId, event);
    if (this.closing) return;
    const key = `${dashboardId}\n${eventKey(event)}`;
    if (!this.pending.has(key) && this.pending.size >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pending.set(key, { dashboardId, event });
    this.scheduleAppend();
  }

  subscribe(dashboardId: string, subscriber: LiveSubscriber, signal: AbortSignal): void {
    this.subscribers.subscribe(dashboardId, subscriber, signal);
  }

  /** Appends what is pending (one try), then stops watching. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.appendTimer);
      this.appendTimer = undefined;
      await this.appending;
      if (this.pending.size > 0) await this.append();
      this.stopping.abort();
      await this.following;
    })();
    return this.closing;
  }

  /** Appends at once when nothing went out in the last `coalesceMs`, else when that time is up. */
  private scheduleAppend(): void {
    if (this.appending || this.appendTimer || this.closing) return;
    const wait = Math.max(0, this.lastAppendAt + this.coalesceMs - performance.now());
    // Even "at once" waits for the timer phase: the events of the same turn go together.
    this.appendTimer = setTimeout(() => {
      this.appendTimer = undefined;
      void this.append();
    }, wait);
    this.appendTimer.unref();
  }

  private append(): Promise<void> {
    this.lastAppendAt = performance.now();
    const taken: [string, Pending][] = [];
    for (const entry of this.pending) {
      taken.push(entry);
      this.pending.delete(entry[0]);
      if (taken.length === MAX_EVENTS_PER_BATCH) break;
    }
    const batch: EventBatch = {
      origin: this.origin,
      events: taken.map(([, { dashboardId, event }]) => ({ dashboardId, event })),
    };
    const dropped = this.dropped;
    this.dropped = 0;
    this.appending = this.log.append(batch).then(
      () => {
        if (this.appendFailing)
          this.logger('info', 'live events: appending to the event log again');
        this.appendFailing = false;
      },
      (error: unknown) => {
        // Put back what no newer event of the same key has replaced meanwhile: the next
        // append retries it.
        for (const [key, entry] of taken) if (!this.pending.has(key)) this.pending.set(key, entry);
        if (!this.appendFailing) {
          this.logger('warn', 'live events: cannot append to the event log; retrying', {
            error: (error as Error).message,
          });
        }
        this.appendFailing = true;
      },
    );
    if (dropped > 0) {
      this.logger('warn', 'live events: dropped events while the event log failed', { dropped });
    }
    return this.appending.finally(() => {
      this.appending = undefined;
      if (this.pending.size > 0) this.scheduleAppend();
    });
  }

  /** Watches the log until close(): resumes after breaks, starts afresh when it cannot. */
  private async follow(): Promise<void> {
    let position: EventLogPosition | undefined;
    let positionAt = 0;
    // Set when the next watch starts afresh after a break: events may have been lost.
    let missed = false;
    let pause = this.retryMs.first;
    const { signal } = this.stopping;
    while (!signal.aborted) {
      if (position !== undefined && this.now() - positionAt > this.catchUpMs) {
        this.logger('warn', 'live events: the break was too long to catch up; starting afresh', {
          seconds: Math.round((this.now() - positionAt) / 1000),
        });
        position = undefined;
        missed = true;
      }
      const attempt = new AbortController();
      const stop = () => attempt.abort();
      signal.addEventListener('abort', stop, { once: true });
      let heardAt = this.now();
      let stalled = false;
      const watchdog = setInterval(
        () => {
          if (this.now() - heardAt <= this.stallMs) return;
          stalled = true;
          attempt.abort();
        },
        Math.max(1, Math.floor(this.stallMs / 4)),
      );
      watchdog.unref();
      let failure: unknown;
      try {
        await this.log.watch(
          position,
          {
            opened: () => {
              heardAt = this.now();
              pause = this.retryMs.first;
              if (missed) {
                missed = false;
                this.subscribers.missed();
              }
            },
            batch: (batch, at) => {
              heardAt = positionAt = this.now();
              position = at;
              this.receive(batch);
            },
            idle: (at) => {
              heardAt = positionAt = this.now();
              position = at;
            },
          },
          attempt.signal,
        );
        if (!signal.aborted) {
          failure = new Error(
            stalled ? `no answer for ${this.stallMs} ms` : 'the watch ended by itself',
          );
        }
      } catch (error) {
        failure = error;
      } finally {
        clearInterval(watchdog);
        signal.removeEventListener('abort', stop);
      }
      if (signal.aborted) return;
      if (failure instanceof EventLogHistoryLost) position = undefined;
      if (position === undefined) missed = true;
      this.logger('warn', 'live events: watching the event log failed; watching again', {
        error: failure instanceof Error ? failure.message : String(failure),
        resuming: position !== undefined,
        retryInMs: pause,
      });
      await sleep(pause, signal);
      pause = Math.min(pause * 2, this.retryMs.max);
    }
  }

  private receive(batch: EventBatch): void {
    // This process delivered its own events when they were published.
    if (batch.origin === this.origin) return;
    for (const entry of batch.events) {
      const event = toLiveEvent(entry.event);
      if (typeof entry.dashboardId !== 'string' || !event) continue;
      this.subscribers.deliver(entry.dashboardId, event);
    }
  }
}

/**
 * The event a value from the log describes, rebuilt from its known fields; undefined for
 * anything this version does not know (another version of the server may share the log
 * during a rolling upgrade): such values are skipped, never passed on to clients.
 */
function toLiveEvent(value: unknown): DashboardEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, at, bucketId, version, shareLinkId } = value as Record<string, unknown>;
  if (typeof at !== 'number') return undefined;
  if (type === 'records' && typeof bucketId === 'string') return { type, bucketId, at };
  if (type === 'buckets') return { type, at };
  if (type === 'layout' && typeof version === 'number') return { type, version, at };
  if (type === 'shareLinkEnded' && typeof shareLinkId === 'string') {
    return { type, shareLinkId, at };
  }
  if (type === 'alerts') return { type, at };
  return undefined;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
