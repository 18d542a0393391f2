import type { Store } from '../store.ts';
import { apiKeyMethods } from './api-keys.ts';
import { bucketMethods } from './buckets.ts';
import { connect } from './connection.ts';
import { dashboardMethods } from './dashboards.ts';
import { downsampleMethods } from './downsample.ts';
import { layoutMethods } from './layouts.ts';
import { recordMethods } from './records.ts';
import { userMethods } from './users.ts';

/** How long ping() waits: the driver would wait 30 s to find a server, far past any probe. */
const PING_TIMEOUT_MS = 5_000;

type Methods = Omit<Store, 'backend' | 'ping' | 'close'>;

/**
 * Opens the MongoDB store: `mongodb://` or `mongodb+srv://`, naming a replica set or a
 * sharded cluster (writes are transactions; see connection.ts). Resolves once connected,
 * with every collection and index in place.
 */
export async function openMongoStore(url: string): Promise<Store> {
  const db = await connect(url);
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  const methods = trackCalls(
    {
      ...userMethods(db),
      ...dashboardMethods(db),
      ...bucketMethods(db),
      ...layoutMethods(db),
      ...recordMethods(db),
      ...downsampleMethods(db),
      ...apiKeyMethods(db),
    },
    inFlight,
    () => closing !== undefined,
  );

  return {
    backend: 'mongodb',
    ...methods,

    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`MongoDB did not answer a ping within ${PING_TIMEOUT_MS} ms`)),
          PING_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([db.conn.getClient().db('admin').command({ ping: 1 }), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    close() {
      closing ??= (async () => {
        // The driver's close() cuts connections that are still in use; let calls finish first.
        await Promise.allSettled(inFlight);
        await db.conn.close();
      })();
      return closing;
    },
  };
}

/**
 * Wraps every method so that close() can wait for the calls in flight, and so that calls
 * made after close() fail plainly instead of on a half-closed connection.
 */
function trackCalls(
  methods: Methods,
  inFlight: Set<Promise<unknown>>,
  isClosing: () => boolean,
): Methods {
  const tracked: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods)) {
    const call = method as (...args: unknown[]) => Promise<unknown>;
    tracked[name] = (...args: unknown[]) => {
      if (isClosing()) return Promise.reject(new Error('the store is closed'));
      const pending = call(...args);
      inFlight.add(pending);
      pending.then(
        () => inFlight.delete(pending),
        () => inFlight.delete(pending),
      );
      return pending;
    };
  }
  return tracked as unknown as Methods;
}
