import type { Store } from '../store.ts';
import { wrapMethods } from '../wrap-methods.ts';
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
import { recordMethods, SqliteRecords } from './records.ts';
import { SqliteSweeper } from './sweeper.ts';
import { userMethods } from './users.ts';

type Methods = Omit<Store, 'backend' | 'eventLog' | 'close'>;

/**
 * Opens the embedded SQLite store on a file (created if needed): one server process per
 * file (see server-lock.ts), every write durable before it is acknowledged (see
 * connection.ts and group-commit.ts).
 */
export function openSqliteStore(path: string, options: ConnectOptions): Store {
  const sqlite = connect(path, options);
  const records = new SqliteRecords(sqlite);
  const sweeper = new SqliteSweeper(sqlite);
  const methods: Methods = {
    ...userMethods(sqlite),
    ...dashboardMethods(sqlite, sweeper),
    ...bucketMethods(sqlite, sweeper),
    ...layoutMethods(sqlite),
    ...recordMethods(sqlite, records),
    ...downsampleMethods(sqlite, records, sweeper),
    ...apiKeyMethods(sqlite),
    ...rateWindowMethods(sqlite),
    ...invitationMethods(sqlite),
    ...passwordResetMethods(sqlite),

    async ping() {
      sqlite.sql('SELECT 1').get();
    },
  };
  return {
    backend: 'sqlite',
    ...mapBusyErrors(methods),

    async close() {
      await sqlite.groupCommit.drain();
      sqlite.close();
    },
  };
}

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
