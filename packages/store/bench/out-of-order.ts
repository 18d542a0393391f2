/**
 * `pnpm --filter @bucketgrid/store bench:out-of-order`: what writes into sealed history cost on
 * the SQLite store (docs/storage.md, "Write paths"). Fills a TSV bucket with BENCH_RECORDS
 * (200,000) records × 4 series one second apart and runs upkeep until all but the newest
 * are sealed; then BENCH_REQUESTS (300) pairs of requests of 1,000 records, taking turns: one
 * all newer than the bucket's newest key, one with BENCH_LATE_SHARE (10 %) of its records at
 * random keys in the sealed history (half of them existing keys, half new) and the rest newer.
 * No upkeep runs meanwhile, so the late rows grow past their bound (16,384 a bucket) in the
 * second third, and from then on each late request folds its excess into chunks itself: the
 * steady state of a writer that is always late. Prints the process's CPU time per request of
 * each kind (steadier than wall time on a shared machine) and their ratio, over all requests
 * and over the last third.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataRecord } from '@bucketgrid/shared';
import { openStore } from '../src/open-store.ts';
import { ownedDashboard } from '../test/owned-dashboard.ts';
import { seededRandom } from '../test/seeded-random.ts';

const env = process.env;
const RECORDS = Number(env.BENCH_RECORDS ?? 200_000);
const REQUESTS = Number(env.BENCH_REQUESTS ?? 300);
const LATE_SHARE = Number(env.BENCH_LATE_SHARE ?? 0.1);
const BATCH = 1_000;
const START = Date.UTC(2024, 0, 1);
const random = seededRandom(15);

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function values(i: number): DataRecord['values'] {
  return {
    1: Math.round(Math.sin(i / 500) * 10_000) / 100,
    2: i,
    3: i % 2 ? null : -i,
    4: i % 1000,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-out-of-order-bench-'));
try {
  const store = await openStore(`file:${join(dir, 'bench.db')}`, {
    readerThreads: 0,
    seriesChunks: true,
  });
  const dashboard = await ownedDashboard(store, 'bench', 10_000_000);
  const bucket = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'TSV' });
  let next = 0;
  const newer = (count: number) =>
    Array.from({ length: count }, () => ({ key: START + next * 1_000, values: values(next++) }));
  while (next < RECORDS) await store.upsertRecords(bucket, newer(10_000), 'merge');
  while ((await store.maintain(Date.now() + 60_000)).more) {}

  const cpu = { inOrder: [] as number[], late: [] as number[] };
  const timed = async (records: DataRecord[], into: number[]) => {
    const before = process.cpuUsage();
    await store.upsertRecords(bucket, records, 'merge');
    const used = process.cpuUsage(before);
    into.push((used.user + used.system) / 1000);
  };
  for (let request = 0; request < REQUESTS; request++) {
    await timed(newer(BATCH), cpu.inOrder);
    const lateCount = Math.round(BATCH * LATE_SHARE);
    const late = Array.from({ length: lateCount }, (_, i) => {
      const slot = Math.floor(random() * (RECORDS - 10_000));
      // Even: an existing key (an update); odd: a new key between two seconds (an insert).
      return { key: START + slot * 1_000 + (i % 2) * 500, values: values(slot) };
    });
    await timed([...late, ...newer(BATCH - lateCount)], cpu.late);
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1]!;
  const inOrder = median(cpu.inOrder);
  const late = median(cpu.late);
  // The steady state: once the late rows passed their bound (16,384 a bucket), every late
  // request folds its excess into chunks itself, as a writer that is always late would.
  const lastThird = (list: number[]) => list.slice(Math.floor((list.length * 2) / 3));
  const steadyInOrder = median(lastThird(cpu.inOrder));
  const steadyLate = median(lastThird(cpu.late));
  console.log(
    `${fmt(RECORDS, 0)} records sealed; ${REQUESTS} requests of ${BATCH} records each way; load average ${fmt(loadavg()[0]!, 2)}`,
  );
  console.log(`in order:                    ${fmt(inOrder)} ms CPU per request (median)`);
  console.log(
    `${fmt(LATE_SHARE * 100, 0)} % into sealed history:  ${fmt(late)} ms CPU per request (median)`,
  );
  console.log(`throughput ratio (in order CPU / out of order CPU): ${fmt(inOrder / late, 3)}`);
  console.log(
    `the last third (late rows past their bound): ${fmt(steadyInOrder)} and ${fmt(steadyLate)} ms, ratio ${fmt(steadyInOrder / steadyLate, 3)}`,
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
