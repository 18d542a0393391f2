import {
  type EventBatch,
  type EventLog,
  EventLogHistoryLost,
  type EventLogPosition,
  type EventLogWatcher,
} from '@bucketgrid/store';

/** One watch of the fake log, as a test sees it. */
export interface FakeWatch {
  /** Which process watches (see `as`). */
  owner: string;
  /** The position it was asked to resume after (undefined: from now). */
  after: EventLogPosition | undefined;
  opened: boolean;
  ended: boolean;
  /** Ends the watch with `error`, as a failed stream does. */
  fail(error: Error): void;
}

/**
 * The event log as a list in memory, for the consumer's logic: positions are indexes into
 * the list (the position after batch i is i + 1); an open watch reports itself idle every
 * second, as the MongoDB one does. A test can make the log forget old
 * positions (as an oplog that moved on), make appends fail, make watches fail to start or
 * hang, and end any watch with an error.
 */
export class FakeEventLog implements EventLog {
  readonly batches: EventBatch[] = [];
  readonly watches: FakeWatch[] = [];
  appendCalls = 0;
  /** Positions before this one are no longer held. */
  oldestHeld = 0;
  /** While set, appends fail with it. */
  appendError: Error | undefined;
  /** While set, new watches fail with it at once (before opening). */
  watchError: Error | undefined;
  /** While set, new watches neither open nor report anything until aborted. */
  hang = false;
  private readonly live = new Set<() => void>();

  async append(batch: EventBatch): Promise<void> {
    this.appendCalls++;
    await Promise.resolve();
    if (this.appendError) throw this.appendError;
    this.batches.push(structuredClone(batch));
    for (const wake of this.live) wake();
  }

  /** The log as the process `owner` uses it: its watches carry its name. */
  as(owner: string): EventLog {
    return {
      append: (batch) => this.append(batch),
      watch: (after, watcher, signal) => this.watch(after, watcher, signal, owner),
    };
  }

  /** The watches `owner` started, in order. */
  watchesOf(owner: string): FakeWatch[] {
    return this.watches.filter((watch) => watch.owner === owner);
  }

  watch(
    after: EventLogPosition | undefined,
    watcher: EventLogWatcher,
    signal: AbortSignal,
    owner = '',
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const watch: FakeWatch = { owner, after, opened: false, ended: false, fail: () => {} };
      this.watches.push(watch);
      let position = typeof after === 'number' ? after : this.batches.length;
      let idleTimer: NodeJS.Timeout | undefined;
      const end = (error?: Error) => {
        if (watch.ended) return;
        watch.ended = true;
        clearInterval(idleTimer);
        this.live.delete(deliver);
        signal.removeEventListener('abort', aborted);
        if (error) reject(error);
        else resolve();
      };
      const aborted = () => end();
      const deliver = () => {
        while (!watch.ended && position < this.batches.length) {
          const batch = this.batches[position]!;
          position++;
          watcher.batch(structuredClone(batch), position);
        }
      };
      watch.fail = (error) => end(error);
      signal.addEventListener('abort', aborted, { once: true });
      if (signal.aborted) return end();
      // Asynchronously, as a real stream opens after a round trip.
      queueMicrotask(() => {
        if (watch.ended || this.hang) return;
        if (this.watchError) return end(this.watchError);
        if (typeof after === 'number' && after < this.oldestHeld) {
          return end(new EventLogHistoryLost(`position ${after} is gone`));
        }
        watch.opened = true;
        watcher.opened();
        deliver();
        if (watch.ended) return;
        this.live.add(deliver);
        // A real stream reports its position every second while nothing happens.
        idleTimer = setInterval(() => watcher.idle(position), 1_000);
      });
    });
  }
}
