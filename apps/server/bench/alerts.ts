/**
 * `pnpm bench:alerts`: the cost of evaluating alert rules, straight from the store (no HTTP).
 * BENCH_RULES rules (default 1,000), each on its own TSV bucket with BENCH_RECORDS records of
 * the last hour, evaluated in rounds of ALERT_RULES_PER_ROUND; prints the time a round takes
 * and the share of one core it costs at the default 15 s interval.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ALERT_RULES_PER_ROUND,
  createBucket,
  createDashboard,
  createUser,
  evaluateRound,
} from '@bucketgrid/services';
import { openStore } from '@bucketgrid/store';

const RULES = Number(process.env.BENCH_RULES ?? 1_000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 360);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const INTERVAL_MS = 15_000;

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-bench-alerts-'));
const store = await openStore(`file:${join(dir, 'bench.db')}`, { asServer: true });
try {
  const user = await createUser(store, {
    email: 'bench@example.com',
    password: 'correct horse battery',
    name: 'B',
  });
  const now = Date.now();
  let made = 0;
  while (made < RULES) {
    // Dashboards hold at most MAX_ALERT_RULES_PER_DASHBOARD rules: 100 buckets and rules each.
    const dashboard = await createDashboard(store, { ownerId: user.id, name: `Bench ${made}` });
    for (let i = 0; i < 100 && made < RULES; i++, made++) {
      const bucket = await createBucket(store, {
        dashboardId: dashboard.id,
        name: `b${i}`,
        type: 'TSV',
      });
      const records = Array.from({ length: RECORDS }, (_, r) => ({
        key: now - 3_600_000 + (r * 3_600_000) / RECORDS,
        values: { 1: Math.sin(r) * 50 },
      }));
      await store.upsertRecords(bucket, records, 'merge');
      await store.createAlertRule(
        {
          dashboardId: dashboard.id,
          name: `r${i}`,
          condition: {
            kind: 'threshold',
            bucketId: bucket.id,
            seriesKey: 1,
            aggregation: 'avg',
            window: 300_000,
            comparison: 'above',
            threshold: 40,
            forMs: 60_000,
          },
          contactPointIds: [],
          paused: false,
          silencedUntil: null,
        },
        now,
        100,
      );
    }
  }
  for (let step = 0; step < 10_000 && (await store.maintain(Date.now() + 60_000)).more; step++);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const began = performance.now();
    const usage = process.cpuUsage();
    let after: string | null = null;
    do {
      after = (await evaluateRound(store, Date.now(), after, ALERT_RULES_PER_ROUND)).next;
    } while (after !== null);
    const spent = process.cpuUsage(usage);
    times.push(performance.now() - began);
    cpu.push((spent.user + spent.system) / 1000);
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`rules: ${RULES}, records per bucket: ${RECORDS}, rounds: ${ROUNDS}`);
  console.log(`round wall time, median: ${median(times).toFixed(1)} ms`);
  console.log(
    `round CPU of this process (main and reader threads), median: ${median(cpu).toFixed(1)} ms`,
  );
  console.log(
    `share of one core at a ${INTERVAL_MS / 1000} s interval: ${((median(cpu) / INTERVAL_MS) * 100).toFixed(2)} %`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
