import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@bucketgrid/store';
import { afterEach, expect, it } from 'vitest';
import { startUpkeep } from '../src/background-upkeep.ts';
import { silentLogger } from '../src/log.ts';
import { call, provision, startTestServer } from './helpers.ts';
import { ownerWithBuckets } from './live-fixture.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Polls `check` every 20 ms, at most 500 times (10 s on a busy machine): no fixed sleep. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the condition did not hold within 500 polls');
}

const records = (count: number, first = 0) =>
  Array.from({ length: count }, (_, i) => ({
    k: 1_700_000_000_000 + (first + i) * 1000,
    d: [{ sk: 1, v: i }],
  }));

it('trims a lowered retention in the background once a write wakes it', async () => {
  const server = await startTestServer();
  cleanups.push(() => server.stopAll());
  const { dashboard, bucket, key } = await provision(server.store, 'TSV', 10_000);
  const url = `${server.url}/api/buckets/${bucket.id}`;
  expect((await call(url, { method: 'POST', key, body: records(1_500) })).status).toBe(200);

  // Lowered behind the server's back (as the CLI would): nothing happens until a write.
  await server.store.updateDashboard(dashboard.id, { retention: 1_000 });
  const write = await call(url, { method: 'POST', key, body: records(1, 1_500) });
  // The write itself trims only as many records as it inserted.
  expect(write.json).toMatchObject({ inserted: 1 });

  await eventually(async () => (await server.store.getBucket(bucket.id))?.recordCount === 1_000);
  const oldest = await call(`${url}?limit=1`, { key });
  expect(oldest.json.records[0].key).toBe(1_700_000_000_000 + 501 * 1000);
});

async function freshStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-upkeep-'));
  const store = await openStore(`file:${join(dir, 'upkeep.db')}`);
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

it('finds work left by another process by polling, and stops for good', async () => {
  const store = await freshStore();
  const { dashboard, bucket } = await provision(store, 'KV', 10_000);
  const values = Array.from({ length: 1_200 }, (_, i) => ({ key: `k${i}`, values: { 1: i } }));
  await store.upsertRecords(bucket, values, 'merge');
  await store.updateDashboard(dashboard.id, { retention: 1_000 });

  let steps = 0;
  const counted: Store = {
    ...store,
    maintain: () => {
      steps++;
      return store.maintain();
    },
  };
  const upkeep = startUpkeep(counted, silentLogger, { idlePollMs: 20, wakeDelayMs: 20 });
  await eventually(async () => (await store.getBucket(bucket.id))?.recordCount === 1_000);
  await upkeep.stop();
  const after = steps;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(steps).toBe(after);
});

it('sweeps the records of a bucket deleted through the API in the background', async () => {
  let swept = 0;
  const server = await startTestServer({
    wrapStore: (store) => ({
      ...store,
      maintain: async (now) => {
        const result = await store.maintain(now);
        swept += result.swept;
        return result;
      },
    }),
  });
  cleanups.push(() => server.stopAll());
  const owner = await ownerWithBuckets(server, ['Doomed']);
  const bucket = owner.buckets[0]!;
  const url = `${server.url}/api/buckets/${bucket.id}`;
  expect((await call(url, { method: 'POST', key: owner.key, body: records(1_500) })).status).toBe(
    200,
  );
  await owner.client.buckets.delete.mutate({
    dashboardId: owner.dashboard.id,
    bucketId: bucket.id,
  });
  // Gone at once for the API; its records follow in the background.
  expect((await call(url, { key: owner.key })).status).toBe(404);
  await eventually(async () => swept === 1_500);
});
