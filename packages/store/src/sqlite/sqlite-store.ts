import type { Store } from '../store.ts';
import { apiKeyMethods } from './api-keys.ts';
import { bucketMethods } from './buckets.ts';
import { connect } from './connection.ts';
import { dashboardMethods } from './dashboards.ts';
import { downsampleMethods } from './downsample.ts';
import { layoutMethods } from './layouts.ts';
import { recordMethods } from './records.ts';
import { userMethods } from './users.ts';

/**
 * Opens the embedded SQLite store on a file (created if needed): one process per file, every
 * write durable before it is acknowledged (see connection.ts and group-commit.ts).
 */
export function openSqliteStore(path: string): Store {
  const sqlite = connect(path);
  return {
    backend: 'sqlite',
    ...userMethods(sqlite),
    ...dashboardMethods(sqlite),
    ...bucketMethods(sqlite),
    ...layoutMethods(sqlite),
    ...recordMethods(sqlite),
    ...downsampleMethods(sqlite),
    ...apiKeyMethods(sqlite),

    async ping() {
      sqlite.sql('SELECT 1').get();
    },

    async close() {
      await sqlite.groupCommit.drain();
      sqlite.db.close();
    },
  };
}
