import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@bucketgrid/server';
import { createApiKey, createBucket, createDashboard, createUser } from '@bucketgrid/services';
import { openStore, type Store } from '@bucketgrid/store';

export interface ServerUnderTest {
  url: string;
  store: Store;
  /** The server's clock: tests move it instead of sleeping. */
  clock: { now: number };
  /**
   * Stops the server the hard way (open connections are cut, so answers in flight are lost)
   * and starts a new one on the same port and database file.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The real Bucketgrid server on 127.0.0.1, an ephemeral port and a fresh SQLite file. */
export async function startServerUnderTest(
  options: { keyRateLimitPerMinute?: number } = {},
): Promise<ServerUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-client-'));
  const databaseUrl = `file:${join(dir, 'test.db')}`;
  const clock = { now: Date.now() };
  const start = async (port: number) => {
    const store = await openStore(databaseUrl);
    const running = await startServer({
      store,
      logger: () => {},
      port,
      host: '127.0.0.1',
      now: () => clock.now,
      keyRateLimitPerMinute: options.keyRateLimitPerMinute,
    });
    return { store, running };
  };
  let current: { store: Store; running: RunningServer } = await start(0);
  const port = Number(new URL(current.running.url).port);
  const stopCurrent = async () => {
    current.running.server.closeAllConnections();
    await current.running.close();
    await current.store.close();
  };
  const handle: ServerUnderTest = {
    url: current.running.url,
    store: current.store,
    clock,
    async restart() {
      await stopCurrent();
      current = await start(port);
      handle.store = current.store;
    },
    async stop() {
      await stopCurrent();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

let seq = 0;

/** A user, a dashboard they own, a bucket of `type` and a production key for it. */
export async function provision(store: Store, type: 'TSV' | 'KV' | 'IV' = 'TSV') {
  const n = ++seq;
  const user = await createUser(store, {
    email: `client${n}-${Date.now()}@example.com`,
    password: 'correct horse battery',
    name: `Client ${n}`,
  });
  const dashboard = await createDashboard(store, { ownerId: user.id, name: `Client ${n}` });
  const bucket = await createBucket(store, { dashboardId: dashboard.id, name: 'b', type });
  const { key } = await createApiKey(
    store,
    { dashboardId: dashboard.id, name: 'k', type: 'production', createdBy: user.id },
    Date.now(),
  );
  return { dashboardId: dashboard.id, bucketId: bucket.id, key };
}
