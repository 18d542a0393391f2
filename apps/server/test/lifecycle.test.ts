import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openStore } from '@bucketgrid/store';
import { afterAll, expect, it } from 'vitest';
import { call, provision } from './helpers.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-lifecycle-'));
const databaseUrl = `file:${join(dir, 'lifecycle.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nextLog(lines: Interface, message: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onLine = (line: string) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.message === message) {
        lines.off('line', onLine);
        resolve(entry);
      }
    };
    lines.on('line', onLine);
  });
}

async function startProcess() {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const listening = await nextLog(lines, 'listening');
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, lines, url: listening.url as string, exited };
}

it('answers health and readiness, and on SIGTERM finishes in-flight requests before exiting', async () => {
  const setupStore = await openStore(databaseUrl);
  const { bucket, key } = await provision(setupStore, 'IV');
  await setupStore.close();
  const server = await startProcess();

  expect((await call(`${server.url}/healthz`)).json).toEqual({ status: 'ok' });
  expect((await call(`${server.url}/readyz`)).json).toEqual({ status: 'ready', store: 'sqlite' });

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

  const shuttingDown = nextLog(server.lines, 'shutting down');
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
