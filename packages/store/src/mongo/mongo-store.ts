import type { Store } from '../store.ts';
import { wrapMethods } from '../wrap-methods.ts';
import { activityMethods } from './activity.ts';
import { aggregateHooks } from './aggregates.ts';
import { openAlertStore } from './alerts.ts';
import { apiKeyMethods } from './api-keys.ts';
import { bucketMethods } from './buckets.ts';
import { type ConnectOptions, connect } from './connection.ts';
import { dashboardMethods } from './dashboards.ts';
import { downsampleMethods } from './downsample.ts';
import { mapUnavailable } from './errors.ts';
import { mongoEventLog } from './event-log.ts';
import { invitationMethods } from './invitations.ts';
import { layoutMethods } from './layouts.ts';
import { passwordResetMethods } from './password-resets.ts';
import { rateWindowMethods } from './rate-windows.ts';
import { recordMethods } from './records.ts';
import { shareLinkMethods } from './share-links.ts';
import { mongoSweeper } from './sweeper.ts';
import { aggregatesUpgrade } from './upgrade.ts';
import { userMethods } from './users.ts';

type Methods = Omit<Store, 'backend' | 'eventLog' | 'ping' | 'close'>;

/**
 * Opens the MongoDB store: `mongodb://` or `mongodb+srv://`, naming a replica set or a
 * sharded cluster (writes are transactions; see connection.ts). Resolves once connected,
 * with every collection and index in place.
 */
export async function openMongoStore(url: string, options: ConnectOptions): Promise<Store> {
  const db = await connect(url, options);
  const upgrade = aggregatesUpgrade(db);
  const aggregates = aggregateHooks(db);
  const sweeper = mongoSweeper(db);
  const { trimRetentionBacklog, ...records } = recordMethods(db, aggregates);
  const alerts = await openAlertStore(db);
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  const methods = trackCalls(
    {
      ...userMethods(db),
      ...dashboardMethods(db, sweeper),
      ...bucketMethods(db, sweeper),
      ...layoutMethods(db),
      ...records,
      ...downsampleMethods(db, trimRetentionBacklog, sweeper, upgrade),
      ...apiKeyMethods(db),
      ...rateWindowMethods(db),
      ...activityMethods(db),
      ...invitationMethods(db),
      ...shareLinkMethods(db),
      ...passwordResetMethods(db),
      ...alerts,
    },
    inFlight,
    () => closing !== undefined,
  );

  return {
    backend: 'mongodb',
    eventLog: mongoEventLog(db),
    ...methods,

    async ping() {
      // Bounded by server selection (the store's timeout) when no server answers.
      try {
        await db.conn.getClient().db('admin').command({ ping: 1 });
      } catch (error) {
        throw mapUnavailable(error);
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
 * Wraps every method so that close() can wait for the calls in flight, so that calls made
 * after close() fail plainly instead of on a half-closed connection, and so that errors that
 * mean "the deployment cannot answer now" leave the store as StoreUnavailable.
 */
function trackCalls(
  methods: Methods,
  inFlight: Set<Promise<unknown>>,
  isClosing: () => boolean,
): Methods {
  return wrapMethods(methods, (_name, call) => (...args) => {
    if (isClosing()) return Promise.reject(new Error('the store is closed'));
    const pending = (call(...args) as Promise<unknown>).catch((error: unknown) => {
      throw mapUnavailable(error);
    });
    inFlight.add(pending);
    pending.then(
      () => inFlight.delete(pending),
      () => inFlight.delete(pending),
    );
    return pending;
  });
}
