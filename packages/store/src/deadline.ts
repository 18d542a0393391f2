import { type Store, StoreUnavailable } from './store.ts';

/**
 * Calls whose time grows with the data (a million records to delete): a deadline would
 * answer "unavailable" while they go on and succeed. They stay unbounded here; each of
 * their steps is bounded by the backend itself (on MongoDB: server selection, the majority's
 * acknowledgement, commits; see mongo/connection.ts), so a store that cannot answer still
 * fails them.
 */
const BULK = new Set<string>(['deleteDashboard', 'deleteBucket', 'deleteRecords', 'purgeRecords']);

/**
 * The store with every call bounded: a call that has not settled after `timeoutMs` rejects
 * with StoreUnavailable, so a request never waits on the database for longer than that,
 * whatever the backend does meanwhile (a transaction retrying through an election, a stalled
 * network). The call itself goes on and its outcome is dropped: a write may still land, as
 * it may after any answer lost on the way. `close()` and the bulk calls are not bounded.
 */
export function withDeadline(store: Store, timeoutMs: number): Store {
  const bounded: Record<string, unknown> = { ...store };
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function' || name === 'close' || BULK.has(name)) continue;
    const method = value as (...args: unknown[]) => Promise<unknown>;
    bounded[name] = (...args: unknown[]) => {
      const pending = method.apply(store, args);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new StoreUnavailable(`no answer within ${timeoutMs} ms (${name})`)),
          timeoutMs,
        );
        pending.then(
          (result) => {
            clearTimeout(timer);
            resolve(result);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
      });
    };
  }
  return bounded as unknown as Store;
}
