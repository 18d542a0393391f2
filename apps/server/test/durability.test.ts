import { openStore } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, expect, it } from 'vitest';
import { call, provision } from './helpers.ts';
import { startServerProcess, stopServerProcess } from './server-process.ts';

const database = createTestDatabase('durability');
const databaseUrl = database.url;
afterAll(() => database.destroy());

it('keeps every acknowledged write after the process is killed with SIGKILL', async () => {
  const setupStore = await openStore(databaseUrl);
  const { bucket, key } = await provision(setupStore, 'IV');
  await setupStore.close();

  const first = await startServerProcess(databaseUrl);
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
  await first.exited;

  const second = await startServerProcess(databaseUrl);
  try {
    const r = await call(`${bucketUrl(second.url)}?limit=10000`, { key });
    const stored = new Set((r.json.records as { key: number }[]).map((record) => record.key));
    const lost = acknowledged.filter((k) => !stored.has(k));
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);
    expect(lost).toEqual([]);
  } finally {
    await stopServerProcess(second);
  }
}, 60_000);
