import { recordsAsJson, withBuffer } from '../records-json.ts';
import type { Store } from '../store.ts';
import { wrapMethods } from '../wrap-methods.ts';
import { accessVersionOf } from './access-version.ts';
import { activityMethods, activityWriter } from './activity.ts';
import { alertMethods } from './alerts.ts';
import { apiKeyMethods } from './api-keys.ts';
import { bucketMethods } from './buckets.ts';
import { type ConnectOptions, connect } from './connection.ts';
import { dashboardMethods } from './dashboards.ts';
import { downsampleMethods } from './downsample.ts';
import { mapBusy } from './errors.ts';
import { invitationMethods } from './invitations.ts';
import { layoutMethods } from './layouts.ts';
import { passwordResetMethods } from './password-resets.ts';
import { rateWindowMethods } from './rate-windows.ts';
import { ReaderPool, type ReadsOf } from './reader-pool.ts';
import { downsampleOn, readRecordsOn, seriesSummaryOn } from './reads.ts';
import { DEFAULT_HEAD_RECORDS, recordMethods, SqliteRecords } from './records.ts';
import { shareLinkMethods } from './share-links.ts';
import { SqliteSweeper } from './sweeper.ts';
import { userMethods } from './users.ts';
import type { WalSync } from './wal-sync.ts';

type Methods = Omit<Store, 'backend' | 'eventLog' | 'accessVersion' | 'close'>;

/**
 * Reader threads by default: two, so that one long read leaves a thread for everyone else's
 * (the read limits in packages/services let one caller run one read at a time).
 */
export const DEFAULT_READER_THREADS = 2;
/** Reads waiting for a reader thread beyond which more are refused as StoreUnavailable. */
export const MAX_WAITING_READS = 256;

/**
 * Opens the embedded SQLite store on a file (created if needed): one server process per
 * file (see server-lock.ts), every write durable before it is acknowledged (see
 * connection.ts and group-commit.ts), record reads on reader threads (reader-pool.ts).
 */
export function openSqliteStore(path: string, options: ConnectOptions): Store {
  const sqlite = connect(path, options);
  const records = new SqliteRecords(sqlite, {
    chunks: options.seriesChunks ?? true,
    headRecords: options.headRecords ?? DEFAULT_HEAD_RECORDS,
  });
  const onThisConnection: ReadsOf = {
    readRecords: async (bucket, query) => readRecordsOn(sqlite, bucket, query),
    readRecordsJson: async (bucket, query, form) =>
      withBuffer(recordsAsJson(readRecordsOn(sqlite, bucket, query), form)),
    downsampleRecords: async (bucket, query) => downsampleOn(sqlite, bucket, query),
    downsampleRecordsJson: async (bucket, query) =>
      Buffer.from(JSON.stringify(downsampleOn(sqlite, bucket, query))),
  };
  // An in-memory database exists only on this connection: its reads stay on it.
  const pool =
    path === ':memory:' || options.readerThreads === 0
      ? undefined
      : new ReaderPool(
          path,
          {
            threads: options.readerThreads ?? DEFAULT_READER_THREADS,
            maxWaiting: MAX_WAITING_READS,
            timeoutMs: options.timeoutMs,
            recordCount: recordCountOn(sqlite),
          },
          onThisConnection,
        );
  // Started now: a thread's start (loading the read code) takes a second or more on a busy
  // machine; reads run on this connection until one is ready.
  pool?.warmUp();
  const reads: ReadsOf = pool ?? onThisConnection;
  const sweeper = new SqliteSweeper(sqlite);
  const writeActivity = activityWriter(sqlite);
  const methods: Methods = {
    ...userMethods(sqlite),
    ...dashboardMethods(sqlite, sweeper, writeActivity),
    ...bucketMethods(sqlite, sweeper, writeActivity),
    ...layoutMethods(sqlite, writeActivity),
    ...recordMethods(sqlite, records, writeActivity, {
      readRecords: (bucket, query) => reads.readRecords(bucket, query),
    }),
    ...downsampleMethods(sqlite, records, sweeper, {
      downsampleRecords: (bucket, query) => reads.downsampleRecords(bucket, query),
    }),
    readRecordsJson: (bucket, query, form) => reads.readRecordsJson(bucket, query, form),
    downsampleRecordsJson: (bucket, query) => reads.downsampleRecordsJson(bucket, query),
    ...apiKeyMethods(sqlite, writeActivity),
    ...activityMethods(sqlite),
    ...rateWindowMethods(sqlite),
    ...invitationMethods(sqlite, writeActivity),
    ...passwordResetMethods(sqlite),
    ...shareLinkMethods(sqlite, writeActivity),
    ...alertMethods(sqlite, writeActivity),

    // A bounded read of a few hundred KB at most: on this connection, without a thread's hop.
    seriesSummary: async (bucket) => seriesSummaryOn(sqlite, bucket),

    async ping() {
      sqlite.sql('SELECT 1').get();
    },
  };
  const durable = sqlite.walSync ? durableAnswers(methods, sqlite.walSync) : methods;
  return {
    backend: 'sqlite',
    accessVersion: accessVersionOf(sqlite),
    ...mapBusyErrors(durable),

    async close() {
      await pool?.close();
      await sqlite.groupCommit.drain();
      await sqlite.close();
    },
  };
}

/**
 * Every method that changed rows outside the group commit (sign-ups, dashboards, keys: writes
 * that commit on their own) answers only once the WAL is synced (see wal-sync.ts): "answered"
 * means "on disk" for every write, not only the group commit's, and every layer above (live
 * events, upkeep's wake-up) hears of a change only once it is durable. A method whose changes
 * all went through the group commit has already waited for them; one that changed nothing
 * waits for nothing. Changes of other calls made while this one awaited count as its own:
 * it then waits for a sync it did not need, never the other way round.
 *
 * Reads may see committed rows whose sync is still running (as a reader beside a writer sees
 * a write before its answer): a crash then loses a change nobody was told was made. Reads that
 * lead to an act outside the database wait for everything committed before them to be durable
 * (ACT_ON_DURABLE_STATE): an alert is never delivered for a notification a crash could undo.
 */
function durableAnswers(methods: Methods, walSync: WalSync): Methods {
  return wrapMethods(methods, (name, call) => async (...args) => {
    const before = walSync.directChanges();
    try {
      return await call(...args);
    } finally {
      if (ACT_ON_DURABLE_STATE.has(name) || walSync.directChanges() > before) {
        await walSync.durable();
      }
    }
  });
}

/** Reads whose answer the server acts on outside the database (see durableAnswers). */
const ACT_ON_DURABLE_STATE = new Set<string>(['dueNotifications'] satisfies (keyof Methods)[]);

/** Every method, with a locked database raised as StoreUnavailable (see errors.ts). */
function mapBusyErrors(methods: Methods): Methods {
  return wrapMethods(
    methods,
    (_name, call) =>
      (...args) =>
        (call(...args) as Promise<unknown>).catch((error: unknown) => {
          throw mapBusy(error);
        }),
  );
}

/**
 * A bucket's record count, read on the write connection: 0 for a bucket gone, or once the
 * store has closed (the pool then refuses the read itself).
 */
function recordCountOn({ db }: ReturnType<typeof connect>): (bucketId: string) => number {
  const count = db.prepare('SELECT record_count FROM buckets WHERE id = ?').pluck();
  return (bucketId) => (db.open ? ((count.get(bucketId) as number | undefined) ?? 0) : 0);
}
