import { createApiKey, createBucket, createDashboard, createUser } from '@bucketgrid/services';
import type { BucketType } from '@bucketgrid/shared';
import { openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import type { App } from '../src/app.ts';
import { silentLogger } from '../src/log.ts';
import { type RunningServer, type ServerOptions, startServer } from '../src/server.ts';

export interface TestServer extends RunningServer {
  store: Store;
  /** The server's clock: tests move it instead of sleeping. */
  clock: { now: number };
  stopAll(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<ServerOptions, 'store' | 'port'>> {
  /** What the server gets instead of the store itself (to inject faults below it). */
  wrapStore?: (store: Store) => Store;
  /** Opens the store as the server process does (its reader threads start at once). */
  asServer?: boolean;
}

/**
 * The real server on an ephemeral port, on a fresh database: a SQLite file, or a MongoDB
 * database of its own when MONGODB_URI is set (see createTestDatabase).
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { wrapStore = (store: Store) => store, asServer, ...serverOptions } = options;
  const database = createTestDatabase('server');
  const store = await openStore(database.url, {
    timeoutMs: serverOptions.storeTimeoutMs,
    asServer,
  });
  const clock = { now: Date.now() };
  const running = await startServer({
    store: wrapStore(store),
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
    now: () => clock.now,
    ...serverOptions,
  });
  return {
    ...running,
    store,
    clock,
    async stopAll() {
      await running.close();
      await store.close().catch(() => {});
      await database.destroy();
    },
  };
}

let seq = 0;

/** A user, a dashboard they own, a bucket of `type` and a production key for it. */
export async function provision(store: Store, type: BucketType = 'TSV', retention?: number) {
  const n = ++seq;
  const user = await createUser(store, {
    email: `owner${n}-${Date.now()}@example.com`,
    password: 'correct horse battery',
    name: `Owner ${n}`,
  });
  const dashboard = await createDashboard(store, {
    ownerId: user.id,
    name: `Dash ${n}`,
    retention,
  });
  const bucket = await createBucket(store, { dashboardId: dashboard.id, name: 'b', type });
  const { apiKey, key } = await createApiKey(
    store,
    { dashboardId: dashboard.id, name: 'k', type: 'production', createdBy: user.id },
    Date.now(),
  );
  return { user, dashboard, bucket, apiKey, key };
}

export interface CallOptions {
  method?: string;
  key?: string;
  body?: unknown;
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** One HTTP call; JSON bodies are sent with Content-Type: application/json. */
export async function call(url: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['x-api-key'] = options.key;
  let body: string | Uint8Array | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: options.method ?? 'GET', headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on response bodies field by field
  return { status: response.status, headers: response.headers, json: json as any, text };
}

/** Method and path (`/api/buckets/:bucketId`) of every route of the app's Express routers. */
export function expressRoutes(app: App): { method: string; path: string }[] {
  type Layer = {
    rawPath?: string;
    route?: { path: string; methods: Record<string, boolean> };
    handle: { stack?: Layer[] };
  };
  const found: { method: string; path: string }[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          if (method !== '_all')
            found.push({ method: method.toUpperCase(), path: prefix + layer.route.path });
        }
      } else if (layer.handle.stack) {
        // A router used without a path is mounted at '/': it adds nothing to the prefix.
        const mount =
          typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found;
}
