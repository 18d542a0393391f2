import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LiveHub } from '@bucketgrid/live';
import type { MaintainResult, Store } from '@bucketgrid/store';
import { type AppOptions, createApp } from './app.ts';
import { startUpkeep, wakeAfterChanges } from './background-upkeep.ts';

export interface RunningServer {
  url: string;
  server: Server;
  /** The live views this process serves. */
  live: LiveHub;
  /** Stops accepting, lets in-flight requests finish, then flushes app state. */
  close(): Promise<void>;
}

export interface ServerOptions extends AppOptions {
  port: number;
  host?: string;
  store: Store;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const now = options.now ?? Date.now;
  // Upkeep starts first (the app's store wakes it); it reaches live views once they exist.
  let refreshViews: (trimmed: MaintainResult['trimmed']) => void = () => {};
  const upkeep = startUpkeep(options.store, options.logger, {
    onTrimmed: (trimmed) => refreshViews(trimmed),
  });
  const { handle, stop, live } = createApp({
    ...options,
    store: wakeAfterChanges(options.store, upkeep.wake),
  });
  refreshViews = (trimmed) => {
    for (const { bucketId, dashboardId } of trimmed) {
      live.publish(dashboardId, { type: 'records', bucketId, at: now() });
    }
  };
  const server = createServer(handle);
  // Clients that keep connections open between writes should not be cut off by Node's
  // 5 s default while idle between batches.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  }).catch(async (error: unknown) => {
    await upkeep.stop();
    await stop();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    server,
    live,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Live streams never finish by themselves: end them (clients reconnect elsewhere).
      live.close();
      // Keep-alive connections go idle as their last request finishes: close each one then,
      // rather than waiting for the client to hang up.
      server.closeIdleConnections();
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      await closed;
      clearInterval(sweeper);
      await upkeep.stop();
      await stop();
    },
  };
}
