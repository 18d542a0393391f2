/**
 * `pnpm --filter @bucketgrid/store bench:tail`: where the tail latency of large writes comes
 * from on the SQLite store (docs/storage.md, "The switch-over, measured"). BENCH_WRITERS (32)
 * concurrent writers send requests of BENCH_BATCH (1,000) records × 4 series, keys from one
 * shared counter (so requests overtake each other, as from 32 connections), for
 * BENCH_SECONDS (10) per layout, while upkeep runs the way the server runs it (a step, then a
 * pause of 19 times its length: 5 % of the time); chunks then rows (`seriesChunks: false`),
 * BENCH_ROUNDS (2) rounds alternating, each on a fresh database with BENCH_RETENTION
 * (1,000,000) records of retention. Prints, per layout: request latency, the group commits'
 * synchronous run (the event loop held), their COMMIT (the fsync), the jobs per commit, and
 * the upkeep steps' length — so a long tail can be told apart as queueing behind long jobs,
 * slow fsyncs, or upkeep.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataRecord } from '@bucketgrid/shared';
import { openStore } from '../src/open-store.ts';
import { ownedDashboard } from '../test/owned-dashboard.ts';

const env = process.env;
const WRITERS = Number(env.BENCH_WRITERS ?? 32);
const BATCH = Number(env.BENCH_BATCH ?? 1_000);
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 2);
const RETENTION = Number(env.BENCH_RETENTION ?? 1_000_000);

interface Sample {
  latency: number[];
  run: number[];
  commit: number[];
  jobs: number[];
  upkeep: number[];
  requests: number;
}

const quantile = (list: number[], q: number) => {
  if (list.length === 0) return Number.NaN;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

async function measure(chunks: boolean): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-tail-bench-'));
  const sample: Sample = { latency: [], run: [], commit: [], jobs: [], upkeep: [], requests: 0 };
  try {
    const store = await openStore(`file:${join(dir, 'bench.db')}`, {
      seriesChunks: chunks,
      commitObserver: {
        committed(jobs, runSeconds, commitSeconds) {
          sample.jobs.push(jobs);
          sample.run.push(runSeconds * 1000);
          sample.commit.push(commitSeconds * 1000);
        },
        failed() {},
      },
    });
    const dashboard = await ownedDashboard(store, 'bench', RETENTION);
    const bucket = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'TSV' });
    sample.run.length = sample.commit.length = sample.jobs.length = 0;
    let next = Date.UTC(2024, 0, 1);
    const records = (): DataRecord[] =>
      Array.from({ length: BATCH }, () => {
        const key = next++;
        const v = (key % 9973) / 4;
        return { key, values: { 1: v, 2: v + 0.5, 3: -v, 4: key % 100 } };
      });
    const end = performance.now() + SECONDS * 1000;
    const upkeep = (async () => {
      while (performance.now() < end) {
        const began = performance.now();
        const { more } = await store.maintain();
        const took = performance.now() - began;
        sample.upkeep.push(took);
        await new Promise((resolve) => setTimeout(resolve, more ? took * 19 : 200));
      }
    })();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (performance.now() < end) {
          const began = performance.now();
          await store.upsertRecords(bucket, records(), 'merge');
          sample.latency.push(performance.now() - began);
          sample.requests++;
        }
      }),
    );
    await upkeep;
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return sample;
}

const results = { chunks: [] as Sample[], rows: [] as Sample[] };
for (let round = 0; round < ROUNDS; round++) {
  const order: ('chunks' | 'rows')[] = round % 2 === 0 ? ['chunks', 'rows'] : ['rows', 'chunks'];
  for (const layout of order) results[layout].push(await measure(layout === 'chunks'));
}
console.log(
  `${WRITERS} writers × ${BATCH} records, ${SECONDS} s per run, ${ROUNDS} rounds; load average ${fmt(loadavg()[0]!)}`,
);
console.log('ms: p50 · p99 · max');
for (const [layout, samples] of Object.entries(results)) {
  const all = (pick: (sample: Sample) => number[]) => samples.flatMap(pick);
  const line = (name: string, list: number[]) =>
    console.log(
      `  ${name.padEnd(26)} ${fmt(quantile(list, 0.5))} · ${fmt(quantile(list, 0.99))} · ${fmt(Math.max(...list))}`,
    );
  const requests = samples.reduce((sum, sample) => sum + sample.requests, 0);
  console.log(`${layout}: ${fmt(requests / (SECONDS * samples.length))} requests/s`);
  line(
    'request latency',
    all((s) => s.latency),
  );
  line(
    'commit: run (loop held)',
    all((s) => s.run),
  );
  line(
    'commit: COMMIT (fsync)',
    all((s) => s.commit),
  );
  line(
    'jobs per commit',
    all((s) => s.jobs),
  );
  line(
    'upkeep step (wall)',
    all((s) => s.upkeep),
  );
}
console.log(`load average at the end: ${fmt(loadavg()[0]!)}`);
