import { type Store, StoreUnavailable } from './store.ts';
import { wrapMethods } from './wrap-methods.ts';

/**
 * Calls whose time grows with the data (a million records to delete): a deadline would
 * answer "unavailable" while they go on and succeed. They stay unbounded here; each of
 * their steps is bounded by the backend itself (on MongoDB: server selection, the majority's
 * acknowledgement, commits; see mongo/connection.ts), so a store that cannot answer still
 * fails them. (Deleting a bucket or a dashboard is short: upkeep sweeps their records.)
 */
const BULK = new Set<string>(['deleteRecords', 'purgeRecords']);

interface PendingCall {
  /** The sweep count when the call started. */
  startedAt: number;
  name: string;
  reject: (error: StoreUnavailable) => void;
}

/** Sweeps per timeout: a call fails between `timeoutMs` and 1.1 × `timeoutMs` after it started. */
const SWEEPS_PER_TIMEOUT = 10;

/**
 * The store with every call bounded: a call that has not settled after `timeoutMs` (at most
 * a tenth more) rejects with StoreUnavailable, so a request never waits on the database much
 * longer than that, whatever the backend does meanwhile (a transaction retrying through an
 * election, a stalled network). The call itself goes on and its outcome is dropped: a write
 * may still land, as it may after any answer lost on the way. `close()` and the bulk calls
 * are not bounded.
 *
 * Store calls are the ingestion hot path. A timer per call costs about twice what this does
 * (measured: 1.5 against 0.7 µs a call), so calls wait in one set instead, in the order they
 * started, and one timer sweeps it while it holds any, counting sweeps as its clock.
 */
export function withDeadline(store: Store, timeoutMs: number): Store {
  const pending = new Set<PendingCall>();
  let sweeps = 0;
  let sweeper: NodeJS.Timeout | undefined;

  function sweep(): void {
    sweeps += 1;
    for (const call of pending) {
      // In start order: the first call still within its time ends the sweep.
      if (sweeps - call.startedAt <= SWEEPS_PER_TIMEOUT) break;
      pending.delete(call);
      call.reject(new StoreUnavailable(`no answer within ${timeoutMs} ms (${call.name})`));
    }
    if (pending.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }

  return wrapMethods(store, (name, method) =>
    name === 'close' || BULK.has(name)
      ? undefined
      : (...args) =>
          new Promise((resolve, reject) => {
            const call: PendingCall = { startedAt: sweeps, name, reject };
            pending.add(call);
            // Unref'd: it must not keep alive a process that has nothing else to do.
            sweeper ??= setInterval(sweep, Math.ceil(timeoutMs / SWEEPS_PER_TIMEOUT)).unref();
            (method(...args) as Promise<unknown>).then(
              (result) => {
                if (pending.delete(call)) resolve(result);
              },
              (error: unknown) => {
                if (pending.delete(call)) reject(error);
              },
            );
          }),
  );
}
