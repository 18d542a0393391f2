/**
 * `pnpm bench:dashboard`: how long a dashboard of 12 widgets takes to load all its data, on
 * the real server process, over ranges of 24 h to everything.
 *
 * Four TSV buckets of 4 series (1.38 M records in all: one a second for 7 days, two every
 * 10 s for 30 days, one a minute for 180 days), their downsampling upkeep done. One load is
 * what the web app asks when the dashboard opens, in one batched request: the layout, the
 * bucket list, and per widget: 6 time charts (1,000 points each), 2 stats (a 200-point
 * sparkline), 2 tables (20 latest records), 1 bar chart (the latest record), 1 text note
 * (nothing). Printed per range: the median and worst wall time of 20 loads, and the server's
 * CPU time per load (steadier on a busy machine). Environment: BENCH_LOADS (20).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBucket, createDashboard, createUser } from '@bucketgrid/services';
import { type DataRecord, MAX_TRPC_BATCH_CALLS } from '@bucketgrid/shared';
import { openStore, type Store } from '@bucketgrid/store';
import type { AppRouter } from '@bucketgrid/trpc';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import {
  cpuSeconds,
  median,
  pinToCoreOne,
  rssMiB,
  signIn,
  startServerProcess,
  stopAll,
} from './harness.ts';

pinToCoreOne(import.meta.url);

const LOADS = Number(process.env.BENCH_LOADS ?? 20);
const END = Date.UTC(2026, 10, 30);
const SECOND = 1_000;
const DAY = 86_400_000;
const PASSWORD = 'correct horse battery staple';

/** Fills a bucket with one record every `step` ms up to END, `span` ms long, in big batches. */
async function fill(store: Store, bucketId: string, span: number, step: number): Promise<number> {
  const bucket = (await store.getBucket(bucketId))!;
  let count = 0;
  for (let start = END - span; start < END; start += 10_000 * step) {
    const records: DataRecord[] = [];
    for (let key = start; key < Math.min(END, start + 10_000 * step); key += step) {
      const phase = (key / 3_600_000) % 24;
      records.push({
        key,
        values: {
          1: 20 + 5 * Math.sin(phase / 3.8),
          2: 50 + (key % 997) / 10,
          3: key % 7,
          4: null,
        },
      });
    }
    await store.upsertRecords(bucket, records, 'merge');
    count += records.length;
  }
  return count;
}

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-bench-dashboard-'));
const databaseUrl = `file:${join(dir, 'bench.db')}`;
try {
  const store = await openStore(databaseUrl);
  const user = await createUser(store, {
    email: 'bench@example.com',
    password: PASSWORD,
    name: 'Bench',
  });
  const dashboard = await createDashboard(store, {
    ownerId: user.id,
    name: 'Plant',
    retention: 1_000_000,
  });
  const shapes = [
    { name: 'per second, 7 days', span: 7 * DAY, step: SECOND },
    { name: 'per 10 s, 30 days', span: 30 * DAY, step: 10 * SECOND },
    { name: 'per 10 s, 30 days (2)', span: 30 * DAY, step: 10 * SECOND },
    { name: 'per minute, 180 days', span: 180 * DAY, step: 60 * SECOND },
  ];
  const buckets: string[] = [];
  let total = 0;
  const filling = performance.now();
  for (const shape of shapes) {
    const bucket = await createBucket(store, {
      dashboardId: dashboard.id,
      name: shape.name,
      type: 'TSV',
    });
    buckets.push(bucket.id);
    total += await fill(store, bucket.id, shape.span, shape.step);
  }
  let steps = 0;
  while ((await store.maintain(END + DAY)).more) steps++;
  console.log(
    `${total.toLocaleString('en-US')} records in ${buckets.length} buckets written and their upkeep done (${steps} steps) in ${((performance.now() - filling) / 1000).toFixed(1)} s`,
  );
  await store.close();

  const server = await startServerProcess({ DATABASE_URL: databaseUrl });
  const jar = await signIn(server.url, user.email, PASSWORD);
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        maxItems: MAX_TRPC_BATCH_CALLS,
        headers: () => ({ origin: server.url, cookie }),
      }),
    ],
  });
  const dashboardId = dashboard.id;

  /** Everything the app asks for when it opens the dashboard on [from, to]. */
  const load = (from: number, to: number) => {
    const bucket = (i: number) => buckets[i % buckets.length]!;
    const chart = (i: number) =>
      client.buckets.downsample.query({ dashboardId, bucketId: bucket(i), from, to, points: 1000 });
    const stat = (i: number) =>
      client.buckets.downsample.query({
        dashboardId,
        bucketId: bucket(i),
        from,
        to,
        points: 200,
        series: [1],
      });
    const latest = (i: number, limit: number) =>
      client.buckets.records.query({
        dashboardId,
        bucketId: bucket(i),
        from,
        to,
        order: 'desc',
        limit,
      });
    return Promise.all([
      client.dashboards.layout.query({ dashboardId }),
      client.buckets.list.query({ dashboardId }),
      ...[0, 1, 2, 3, 4, 5].map(chart),
      stat(0),
      stat(1),
      latest(2, 20),
      latest(3, 20),
      latest(0, 1),
    ]);
  };

  const ranges: [string, number][] = [
    ['24 h', DAY],
    ['7 d', 7 * DAY],
    ['30 d', 30 * DAY],
    ['everything (180 d)', 180 * DAY],
  ];
  console.log(
    `\n12 widgets, one batched request per load, ${LOADS} loads per range (load average ${loadavg()[0]!.toFixed(2)})`,
  );
  console.log('range                 median ms   worst ms   server CPU ms/load   server RSS');
  for (const [name, span] of ranges) {
    await load(END - span, END); // warm-up
    const walls: number[] = [];
    const cpuBefore = cpuSeconds(server.pid);
    for (let i = 0; i < LOADS; i++) {
      const began = performance.now();
      await load(END - span, END);
      walls.push(performance.now() - began);
    }
    const cpu = ((cpuSeconds(server.pid) - cpuBefore) * 1000) / LOADS;
    console.log(
      `${name.padEnd(20)}  ${median(walls).toFixed(1).padStart(9)}  ${Math.max(...walls)
        .toFixed(1)
        .padStart(
          9,
        )}  ${cpu.toFixed(1).padStart(19)}  ${rssMiB(server.pid).toFixed(0).padStart(7)} MiB`,
    );
  }
} finally {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
