import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openStore } from '@bucketgrid/store';
import { afterAll, expect, it } from 'vitest';
import { call, provision } from './helpers.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-durability-'));
const databaseUrl = `file:${join(dir, 'durable.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the real server process (src/main.ts) and waits for its "listening" log line. */
async function startProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { message: string; url?: string };
    if (entry.message === 'listening') return { child, url: entry.url! };
  }
  throw new Error('the server exited before listening');
}

it('keeps every acknowledged write after the process is killed with SIGKILL', async () => {
  const setupStore = await openStore(databaseUrl);
  const { bucket, key } = await provision(setupStore, 'IV');
  await setupStore.close();

  const first = await startProcess();
  const firstExited = new Promise((resolve) => first.child.once('exit', resolve));
  const bucketUrl = (url: string) => `${url}/api/buckets/${bucket.id}`;
  const acknowledged: number[] = [];
  let next = 0;
  let killed = false;
  const writer = async () => {
    while (!killed) {
      const k = next++;
      try {
        const r = await call(bucketUrl(first.url), {
          method: 'POST',
          key,
          body: [{ k, d: [{ sk: 1, v: k }] }],
        });
        if (r.status === 200) acknowledged.push(k);
      } catch {
        // The connection died with the process: this write was never acknowledged.
      }
      if (acknowledged.length >= 400 && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
  await firstExited;

  const second = await startProcess();
  try {
    const r = await call(`${bucketUrl(second.url)}?limit=10000`, { key });
    const stored = new Set((r.json.records as { key: number }[]).map((record) => record.key));
    const lost = acknowledged.filter((k) => !stored.has(k));
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);
    expect(lost).toEqual([]);
  } finally {
    const secondExited = new Promise((resolve) => second.child.once('exit', resolve));
    second.child.kill('SIGTERM');
    await secondExited;
  }
}, 60_000);
