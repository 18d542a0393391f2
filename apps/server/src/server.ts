import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LiveHub } from '@bucketgrid/live';
import type { Store } from '@bucketgrid/store';
import { startAlertUpkeep } from './alerts/alert-upkeep.ts';
import { type AppOptions, createApp } from './app.ts';
import { startUpkeep } from './background-upkeep.ts';
import { type ScheduledBackupOptions, startScheduledBackups } from './backups/scheduled-backups.ts';
import { declaredLength } from './http/body.ts';
import { bodyLimitOf } from './http/body-limits.ts';
import {
  answerClientErrors,
  capConnections,
  capConnectionsPerAddress,
  defaultMaxConnections,
} from './http/connections.ts';
import {
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  TIMEOUT_CHECK_INTERVAL_MS,
} from './limits.ts';
import { liveEventsFor, upkeepStore } from './store-layers.ts';

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
  /**
   * Open connections one client address may hold (default 256; 0 for no cap). Behind a
   * trusted proxy every connection comes from the proxy, so the default there is no cap.
   */
  maxConnectionsPerAddress?: number;
  /** Open connections in all (default: the descriptor limit less DESCRIPTOR_RESERVE). */
  maxConnections?: number;
  /** Back the SQLite database up on a schedule (BACKUP_DIR; off when not given). */
  backups?: ScheduledBackupOptions;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const now = options.now ?? Date.now;
  // Upkeep starts first (the app's store wakes it); what it trims reaches live views through
  // the same events as every other change.
  const liveEvents = options.liveEvents ?? liveEventsFor(options.store, options.logger);
  const upkeep = startUpkeep(upkeepStore(options.store, liveEvents, now), options.logger);
  const { handle, stop, live, mailer, metrics, listeningAt } = createApp({
    ...options,
    liveEvents,
    wakeUpkeep: upkeep.wake,
  });
  // Tight timeouts so slow or idle clients cannot hold descriptors (docs/architecture.md,
  // "Limits and abuse").
  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    handle,
  );
  capConnections(server, options.maxConnections ?? defaultMaxConnections());
  capConnectionsPerAddress(
    server,
    options.maxConnectionsPerAddress ??
      (options.trustProxy ? 0 : DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
    () => metrics.connectionRefused(),
  );
  answerClientErrors(server);
  // "Expect: 100-continue": a body over the route's limit is refused before the client sends it.
  server.on('checkContinue', (req, res) => {
    if (declaredLength(req) <= bodyLimitOf(req)) res.writeContinue();
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  }).catch(async (error: unknown) => {
    await upkeep.stop();
    await stop();
    throw error;
  });
  // Part of the background upkeep, started once the server listens.
  const backups =
    options.backups &&
    startScheduledBackups(options.backups, options.logger, metrics.backupObserver);
  const alerts = startAlertUpkeep(options.store, mailer, options.logger, now, {
    allowPrivate: false,
    ...options.alerts,
    onStatesChanged: (dashboardId) => live.publish(dashboardId, { type: 'alerts', at: now() }),
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  const url = `http://${host}:${port}`;
  listeningAt(url);
  return {
    url,
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
      await backups?.stop();
      await alerts.stop();
      await upkeep.stop();
      await stop();
    },
  };
}
