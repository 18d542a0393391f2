import { request } from 'node:http';
import { openStore } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, expect, it } from 'vitest';
import { call, provision } from './helpers.ts';
import { nextLog, startServerProcess } from './server-process.ts';

const database = createTestDatabase('lifecycle');
const databaseUrl = database.url;
afterAll(() => database.destroy());

it('answers health and readiness, and on SIGTERM finishes in-flight requests before exiting', async () => {
  const setupStore = await openStore(databaseUrl);
  const { bucket, key } = await provision(setupStore, 'IV');
  await setupStore.close();
  const server = await startServerProcess(databaseUrl);

  expect((await call(`${server.url}/healthz`)).json).toEqual({ status: 'ok' });
  expect((await call(`${server.url}/readyz`)).json).toEqual({
    status: 'ready',
    store: database.backend,
  });

  // A write whose body is still arriving when SIGTERM comes.
  const { hostname, port } = new URL(server.url);
  const inFlight = request({
    host: hostname,
    port,
    method: 'POST',
    path: `/api/buckets/${bucket.id}`,
    // 100-continue: the server's "100 Continue" proves it is handling the request.
    headers: { 'x-api-key': key, 'content-type': 'application/json', expect: '100-continue' },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    inFlight.on('response', (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    inFlight.on('error', reject);
  });
  const accepted = new Promise((resolve) => inFlight.once('continue', resolve));
  inFlight.flushHeaders();
  await accepted;
  inFlight.write('[{"k": 1, "d": [{"sk": 1,');

  const shuttingDown = nextLog(server, 'shutting down');
  server.child.kill('SIGTERM');
  await shuttingDown;
  await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  inFlight.end(' "v": 7}]}]');

  expect(await response).toEqual({
    status: 200,
    body: JSON.stringify({ written: 1, inserted: 1, updated: 0 }),
  });
  expect(await server.exited).toBe(0);

  const store = await openStore(databaseUrl);
  const stored = await store.getBucket(bucket.id);
  expect(stored?.recordCount).toBe(1);
  await store.close();
}, 30_000);
