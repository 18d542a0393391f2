/**
 * `pnpm --filter @bucketgrid/store bench`: downsampled reads on the SQLite store.
 *
 * Fills a TSV bucket with BENCH_RECORDS (1,000,000) records × 4 series, one every
 * BENCH_SPACING_MS (1000) ms, runs upkeep to completion, then times `downsampleRecords` over
 * several ranges as BENCH_POINTS (1000) points, BENCH_RUNS (20) times each, and prints the
 * median, the spread and the process's peak RSS after each range (a read that held its range
 * in memory would raise it). BENCH_READER_THREADS sets the store's reader threads (0: reads on
 * the writer's connection); BENCH_SERIES_CHUNKS=0 stores the records as rows instead of
 * chunks (docs/storage.md). The database lives in a temporary directory, removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataRecord, DownsampleQuery } from '@bucketgrid/shared';
import { openStore } from '../src/open-store.ts';
import { ownedDashboard } from '../test/owned-dashboard.ts';

const env = process.env;
const RECORDS = Number(env.BENCH_RECORDS ?? 1_000_000);
const SPACING = Number(env.BENCH_SPACING_MS ?? 1_000);
const POINTS = Number(env.BENCH_POINTS ?? 1_000);
const RUNS = Number(env.BENCH_RUNS ?? 20);
/** Reader threads of the store (its default when unset; 0 reads on the writer's connection). */
const READER_THREADS =
  env.BENCH_READER_THREADS === undefined ? undefined : Number(env.BENCH_READER_THREADS);
const BATCH = 10_000;
const START = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

function recordAt(i: number): DataRecord {
  const key = START + i * SPACING;
  const v = Math.sin(i / 500) * 100 + (i % 17);
  return { key, values: { 1: v, 2: v / 3, 3: i % 2 === 0 ? null : -v, 4: i % 1000 } };
}

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-downsample-bench-'));
try {
  const store = await openStore(`file:${join(dir, 'bench.db')}`, {
    readerThreads: READER_THREADS,
    seriesChunks: env.BENCH_SERIES_CHUNKS !== '0',
  });
  const dashboard = await ownedDashboard(store, 'bench', 1_000_000);
  const created = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'TSV' });

  let began = performance.now();
  for (let i = 0; i < RECORDS; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, RECORDS - i) }, (_, j) => recordAt(i + j));
    await store.upsertRecords(created, batch, 'merge');
  }
  const bucket = (await store.getBucket(created.id))!;
  const last = START + (RECORDS - 1) * SPACING;
  console.log(
    `${fmt(RECORDS, 0)} records × 4 series, one every ${fmt(SPACING, 0)} ms (${fmt((last - START) / HOUR)} h), written in ${fmt((performance.now() - began) / 1000)} s; Node ${process.version}, load average ${fmt(loadavg()[0]!, 2)}`,
  );
  console.log('median wall time and CPU time per read (the process is single-threaded)');

  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
  /** Wall time, and the process's CPU time (steadier on a shared machine), per read. */
  const time = async (query: DownsampleQuery, runs: number) => {
    const wall: number[] = [];
    const cpu: number[] = [];
    // A refused read (ReadOverBudget) ends the benchmark with its message: it is a finding.
    let result = await store.downsampleRecords(bucket, query);
    for (let run = 0; run < runs; run++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      result = await store.downsampleRecords(bucket, query);
      wall.push(performance.now() - t0);
      const used = process.cpuUsage(cpu0);
      cpu.push((used.user + used.system) / 1000);
    }
    return { wall, cpu, result };
  };
  const report = async (label: string, query: DownsampleQuery, runs = RUNS) => {
    const { wall, cpu, result } = await time(query, runs);
    const width = result.interval === null ? 'raw' : `${fmt(result.interval / 1000, 0)} s`;
    const records = result.count.reduce((sum, n) => sum + n, 0);
    // A read over its budget says so; one that counted fewer records than its range holds
    // would be a wrong chart, and shows here.
    const coarsened = result.coarsened
      ? `  coarsened (${result.coarsened.budget}, ${result.coarsened.approximateIntervals} approximate)`
      : '';
    console.log(
      `${label.padEnd(31)} ${fmt(median(wall)).padStart(8)} ms (min ${fmt(wall[0]!)})  CPU ${fmt(median(cpu)).padStart(7)} ms  ${runs} runs  interval ${width}, ${result.keys.length} points, ${fmt(records, 0)} records${coarsened}  peak RSS ${fmt(peakRssMiB(), 0)} MiB`,
    );
  };

  console.log('\nbefore upkeep (every cell dirty: figures of chunks, not of cells):');
  // Reads never write, so each run finds the bucket as the writes left it.
  await report('whole range', { points: POINTS });
  await report('last 24 h', { from: last - 24 * HOUR, to: last, points: POINTS });

  began = performance.now();
  let steps = 0;
  // As upkeep stands once the writes are a few seconds old (it leaves fresh cells for later).
  while ((await store.maintain(Date.now() + 60_000)).more) steps++;
  console.log(
    `\nupkeep built the aggregates in ${fmt((performance.now() - began) / 1000)} s (${steps + 1} steps)\n`,
  );

  await report('last 1 h', { from: last - HOUR, to: last, points: POINTS });
  await report('last 24 h', { from: last - 24 * HOUR, to: last, points: POINTS });
  await report('last 7 d', { from: last - 7 * 24 * HOUR, to: last, points: POINTS });
  await report('whole range', { points: POINTS });
  await report('whole range, series 1 only', { points: POINTS, series: [1] });
  await report('whole range, 200 points', { points: 200 });

  // One fresh write per second of data in the newest cell, then the same reads with it dirty.
  await store.upsertRecords(bucket, [recordAt(RECORDS - 1)], 'merge');
  await report('whole range, newest cell dirty', { points: POINTS });
  await report('last 24 h, newest cell dirty', {
    from: last - 24 * HOUR,
    to: last,
    points: POINTS,
  });
  console.log(`load average at the end: ${fmt(loadavg()[0]!, 2)}`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
