import type { Store } from '@bucketgrid/store';

/**
 * Fault injection below the server: a real store whose calls can be made to hang, as calls
 * to a database without a primary or a majority do. While stalled, every call waits; on
 * resume the waiting calls go through to the real store, late, as a recovered database
 * would answer them.
 */
export function stallingStore(real: Store) {
  let stalled: Promise<void> | undefined;
  let release = () => {};
  let waiting = 0;
  const store: Record<string, unknown> = { ...real };
  for (const [name, value] of Object.entries(real)) {
    if (typeof value !== 'function' || name === 'close') continue;
    const method = value as (...args: unknown[]) => Promise<unknown>;
    store[name] = async (...args: unknown[]) => {
      if (stalled) {
        waiting += 1;
        await stalled;
        waiting -= 1;
      }
      return method.apply(real, args);
    };
  }
  return {
    store: store as unknown as Store,
    stall() {
      stalled ??= new Promise((resolve) => {
        release = resolve;
      });
    },
    resume() {
      stalled = undefined;
      release();
    },
    /** Calls that are hanging right now. */
    get waiting() {
      return waiting;
    },
  };
}
