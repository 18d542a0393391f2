import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { checkSmtpUrl } from '@bucketgrid/services';
import { openStore, sqlitePathOf } from '@bucketgrid/store';
import { alertSettingsFrom } from './alerts/settings.ts';
import type { ScheduledBackupOptions } from './backups/scheduled-backups.ts';
import { backupSettingsFrom } from './backups/settings.ts';
import { parseTrustProxy, type TrustProxy } from './http/client-address.ts';
import { jsonLogger as log } from './log.ts';
import { metricsListener } from './metrics/endpoint.ts';
import { ServerMetrics } from './metrics/metrics.ts';
import { startServer } from './server.ts';

const SHUTDOWN_GRACE_MS = 10_000;

/** Why listening failed, for the errors a person starting the server can fix. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is in use (another Bucketgrid?). Stop that process or set PORT.',
  EACCES: 'not allowed to use this port (below 1024?). Set PORT to 1024 or above.',
  EADDRNOTAVAIL: 'this machine has no such address. Set HOST to one of its addresses.',
};

/** Fails the start with one line that says what to fix. */
function refuse(message: string): never {
  log('error', message);
  process.exit(1);
}

/** A number from the environment, or undefined when the variable is unset or empty. */
const numberFromEnv = (name: string): number | undefined =>
  process.env[name] ? Number(process.env[name]) : undefined;

const port = Number(process.env.PORT ?? 3000);
// Loopback unless told otherwise: a laptop's `pnpm start` is not served to its whole network.
const host = process.env.HOST || '127.0.0.1';
const storeTimeoutMs = numberFromEnv('STORE_TIMEOUT_MS');
// GET /metrics is off the public internet unless asked for: with a token, or on its own address.
const metricsToken = process.env.METRICS_TOKEN || undefined;
if (metricsToken !== undefined && metricsToken.length < 16) {
  refuse('METRICS_TOKEN is too short to keep metrics private: use 16 characters or more.');
}
let trustProxy: TrustProxy = false;
try {
  trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
} catch (error) {
  refuse(
    `TRUST_PROXY: ${(error as Error).message} Set the number of proxies in front (1 behind one) or their addresses, comma-separated.`,
  );
}
const smtpUrl = process.env.SMTP_URL || undefined;
const smtpProblem = smtpUrl === undefined ? null : checkSmtpUrl(smtpUrl);
if (smtpProblem) refuse(smtpProblem);
const backups = scheduledBackupsFromEnv();
const alerts = alertSettingsFrom(process.env);
if (alerts instanceof Error) refuse(alerts.message);
const metrics = new ServerMetrics();
const store = await openStore(process.env.DATABASE_URL, {
  timeoutMs: storeTimeoutMs,
  asServer: true,
  // TSV and IV records in sealed chunks (docs/storage.md); SQLITE_SERIES_CHUNKS=0 keeps rows.
  seriesChunks: process.env.SQLITE_SERIES_CHUNKS !== '0',
  commitObserver: metrics.commitObserver,
}).catch((error: unknown) => {
  // A startup refusal (another server on this SQLite file, MongoDB not a replica set) is
  // for the operator: one log line that says what to do, not a stack trace.
  log('error', 'cannot open the store', { error: (error as Error).message });
  process.exit(1);
});
const running = await startServer({
  store,
  logger: log,
  port,
  host,
  keyRateLimitPerMinute: numberFromEnv('KEY_RATE_LIMIT_PER_MINUTE'),
  trustProxy,
  maxConnectionsPerAddress: numberFromEnv('MAX_CONNECTIONS_PER_ADDRESS'),
  storeTimeoutMs,
  metrics,
  metricsToken,
  smtpUrl,
  mailFrom: process.env.MAIL_FROM || undefined,
  publicUrl: process.env.PUBLIC_URL || undefined,
  backups,
  alerts,
  webDist: fileURLToPath(new URL('../../web/dist', import.meta.url)),
}).catch(async (error: NodeJS.ErrnoException) => {
  const reason = LISTEN_ERRORS[error.code ?? ''];
  if (!reason) throw error;
  await store.close();
  refuse(`Cannot listen on ${host}:${port}: ${reason}`);
});
log('info', 'listening', {
  url: running.url,
  store: store.backend,
  email: smtpUrl ? 'on' : 'off (set SMTP_URL)',
  backups: backups ? backups.dir : 'off (set BACKUP_DIR)',
});

/** BACKUP_DIR, BACKUP_INTERVAL, BACKUP_KEEP: undefined when off; refuses what cannot work. */
function scheduledBackupsFromEnv(): ScheduledBackupOptions | undefined {
  // Only tests may back up more often than the documented minimum.
  const settings = backupSettingsFrom(process.env, numberFromEnv('TEST_MIN_BACKUP_INTERVAL_MS'));
  if (settings instanceof Error) refuse(settings.message);
  if (settings === undefined) return undefined;
  const databasePath = sqlitePathOf(process.env.DATABASE_URL);
  if (databasePath === undefined) {
    refuse(
      'BACKUP_DIR backs up SQLite only: on MongoDB use mongodump (docs/backups.md) and unset BACKUP_DIR.',
    );
  }
  try {
    mkdirSync(settings.dir, { recursive: true });
    accessSync(settings.dir, constants.W_OK);
  } catch (error) {
    refuse(`BACKUP_DIR "${settings.dir}" cannot be written: ${(error as Error).message}`);
  }
  return { ...settings, databasePath };
}

/** METRICS_ADDRESS: `port`, `host:port` or `[ipv6]:port`; the host defaults to loopback. */
async function startMetricsServer(address: string): Promise<Server> {
  const match = /^(?:\[?([^\]]+?)\]?:)?(\d{1,5})$/.exec(address);
  if (!match) refuse(`METRICS_ADDRESS "${address}" is not port, host:port or [ipv6]:port.`);
  const [, metricsHost = '127.0.0.1', metricsPort] = match;
  const server = createServer(metricsListener(metrics, metricsToken));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(metricsPort), metricsHost, resolve);
  }).catch(async (error: NodeJS.ErrnoException) => {
    const reason = LISTEN_ERRORS[error.code ?? ''];
    if (!reason) throw error;
    await running.close();
    await store.close();
    refuse(`Cannot serve metrics on ${metricsHost}:${metricsPort}: ${reason}`);
  });
  const shown = metricsHost.includes(':') ? `[${metricsHost}]` : metricsHost;
  log('info', 'metrics listening', { url: `http://${shown}:${metricsPort}/metrics` });
  return server;
}
const metricsServer = process.env.METRICS_ADDRESS
  ? await startMetricsServer(process.env.METRICS_ADDRESS)
  : undefined;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('info', 'shutting down', { signal });
  setTimeout(() => {
    log('error', 'in-flight requests did not finish in time; exiting');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS).unref();
  metricsServer?.close();
  await running.close();
  await store.close();
  log('info', 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
