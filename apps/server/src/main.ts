import { fileURLToPath } from 'node:url';
import { openStore } from '@bucketgrid/store';
import { jsonLogger as log } from './log.ts';
import { startServer } from './server.ts';

const SHUTDOWN_GRACE_MS = 10_000;

const storeTimeoutMs = process.env.STORE_TIMEOUT_MS
  ? Number(process.env.STORE_TIMEOUT_MS)
  : undefined;
const store = await openStore(process.env.DATABASE_URL, {
  timeoutMs: storeTimeoutMs,
  asServer: true,
}).catch((error: unknown) => {
  // A startup refusal (another server on this SQLite file, MongoDB not a replica set) is
  // for the operator: one log line that says what to do, not a stack trace.
  log('error', 'cannot open the store', { error: (error as Error).message });
  process.exit(1);
});
const running = await startServer({
  store,
  logger: log,
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST,
  keyRateLimitPerMinute: process.env.KEY_RATE_LIMIT_PER_MINUTE
    ? Number(process.env.KEY_RATE_LIMIT_PER_MINUTE)
    : undefined,
  trustProxy: process.env.TRUST_PROXY === '1',
  maxConnectionsPerAddress: process.env.MAX_CONNECTIONS_PER_ADDRESS
    ? Number(process.env.MAX_CONNECTIONS_PER_ADDRESS)
    : undefined,
  storeTimeoutMs,
  webDist: fileURLToPath(new URL('../../web/dist', import.meta.url)),
});
log('info', 'listening', { url: running.url, store: store.backend });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('info', 'shutting down', { signal });
  setTimeout(() => {
    log('error', 'in-flight requests did not finish in time; exiting');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS).unref();
  await running.close();
  await store.close();
  log('info', 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
