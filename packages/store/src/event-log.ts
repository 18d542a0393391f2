import { StoreError } from './errors.ts';

/**
 * A log of small batches of events that every server process of a deployment appends to and
 * watches: how live updates travel between processes (packages/live reads and writes it;
 * what an event is, is that package's business). Only stores that several server processes
 * share have one (MongoDB: a change stream on the `liveEvents` collection).
 */
export interface EventLog {
  /** Appends one batch for every watching process to see (the appender included). */
  append(batch: EventBatch): Promise<void>;
  /**
   * Calls `watcher` with each batch appended after `after` (a position this log gave), or
   * after the moment the stream opens when `after` is undefined. Resolves once `signal`
   * aborts. Rejects when the stream fails: with EventLogHistoryLost when `after` is no longer
   * in the log, so what came after it cannot be replayed; any other failure may be retried
   * from the last position the watcher got.
   */
  watch(
    after: EventLogPosition | undefined,
    watcher: EventLogWatcher,
    signal: AbortSignal,
  ): Promise<void>;
}

/** Events one process appended at once. */
export interface EventBatch {
  /** The appending process (a random id per process), so that it can skip its own batches. */
  origin: string;
  /** JSON-like objects, stored and returned as they are. */
  events: readonly Record<string, unknown>[];
}

/** Where a watch stands in the log; meaningful only to the log that gave it. */
export type EventLogPosition = unknown;

export interface EventLogWatcher {
  /**
   * The stream is open: from now on nothing appended is missed. Called once per watch, before
   * any batch.
   */
  opened(): void;
  /** A batch, and the position just after it. */
  batch(batch: EventBatch, position: EventLogPosition): void;
  /** The stream is alive and its position moved on without a batch (called about every second). */
  idle(position: EventLogPosition): void;
}

/** The position a watch was to resume from is no longer in the log. */
export class EventLogHistoryLost extends StoreError {
  constructor(reason: string) {
    super(`the event log no longer holds the position to resume from: ${reason}`);
    this.name = 'EventLogHistoryLost';
  }
}
