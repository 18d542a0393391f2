/**
 * `pnpm bench:alerts`: what alert rules cost, in three parts.
 * 1. Straight from the store: BENCH_RULES rules (default 1,000), each on its own TSV bucket
 *    with BENCH_RECORDS records of the last hour, evaluated in rounds of ALERT_RULES_PER_ROUND:
 *    the time a round takes and the share of one core it costs at the default 15 s interval.
 * 2. The real server process on that database, in BENCH_TURNS (8) pairs of short turns of
 *    BENCH_SECONDS (15: one evaluation round with the rules, the 15 s rate; none without),
 *    after the start-up round, that alternate which goes first: four writers of 100
 *    records × 4 series with the rules evaluated every 15 s, and with evaluation put off
 *    (ALERT_INTERVAL=1h); BENCH_TURNS=0 leaves this part out. Each pair gives two ratios: values/s, and
 *    the server's CPU µs per value (steadier on a shared machine: other processes take wall
 *    time from a turn, not CPU); the median of each and its spread, with the load average.
 * 3. A write's way to a webhook: with ALERT_INTERVAL=2s, a write that crosses a rule's
 *    threshold, until a receiver in this process gets the firing webhook (then back under,
 *    until resolved), BENCH_SAMPLES (10) times: p50 and p99, also in evaluation intervals.
 * The server listens on 127.0.0.1 only, pinned to one core where taskset exists.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ALERT_RULES_PER_ROUND,
  createApiKey,
  createBucket,
  createDashboard,
  createUser,
  evaluateRound,
} from '@bucketgrid/services';
import { openStore } from '@bucketgrid/store';
import {
  addRule,
  addWebhook,
  thresholdCondition,
} from '../../../packages/services/test/alert-fixtures.ts';
import { cpuSeconds, median, percentile, startServerProcess } from './harness.ts';

const RULES = Number(process.env.BENCH_RULES ?? 1_000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 360);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const INTERVAL_MS = 15_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const TURNS = Number(process.env.BENCH_TURNS ?? 8);
/**
 * The rules' turns' ALERT_INTERVAL. BENCH_RULES_INTERVAL=1h makes both turns alike (an A/A
 * run): the ratios it prints are the bench's own noise and bias, beside which to read the rest.
 */
const RULES_INTERVAL = process.env.BENCH_RULES_INTERVAL ?? '15s';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 10);
/** Part 3's ALERT_INTERVAL (BENCH_LATENCY_INTERVAL, seconds; 2 by default: a quick run). */
const LATENCY_INTERVAL_MS = Number(process.env.BENCH_LATENCY_INTERVAL ?? 2) * 1000;
/** A server's start-up round is over this long after it listens (1 s tick, a round ~1.3 s). */
const SETTLE_MS = 4_000;

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-bench-alerts-'));
const databaseUrl = `file:${join(dir, 'bench.db')}`;
const store = await openStore(databaseUrl, { asServer: true });
// What the server-process parts need, made in part 1 (the store then closes for the server).
let ingest: { bucketId: string; key: string };
let watched: { bucketId: string; key: string };
let receiverUrl = '';
const arrivals: { type: string; at: number }[] = [];
const receiver = createServer((req, res) => {
  const at = Date.now();
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    arrivals.push({ type: (JSON.parse(body) as { type: string }).type, at });
    res.end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
try {
  const user = await createUser(store, {
    email: 'bench@example.com',
    password: 'correct horse battery',
    name: 'B',
  });
  const now = Date.now();
  let made = 0;
  // The rule part 3 watches is the last of the RULES: one more than ALERT_RULES_PER_ROUND and
  // a round takes 1,000 and the next the rest, so each rule waits two rounds (a write took
  // two intervals to its webhook, and part 2's turns evaluated the one rule left over).
  while (made < RULES - 1) {
    // Dashboards hold at most MAX_ALERT_RULES_PER_DASHBOARD rules: 100 buckets and rules each.
    const dashboard = await createDashboard(store, { ownerId: user.id, name: `Bench ${made}` });
    for (let i = 0; i < 100 && made < RULES - 1; i++, made++) {
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
      await addRule(
        store,
        dashboard.id,
        thresholdCondition(bucket.id, {
          aggregation: 'avg',
          window: 300_000,
          threshold: 40,
          forMs: 60_000,
        }),
        { name: `r${i}`, createdAt: now },
      );
    }
  }
  // Part 2 and 3's dashboards: one written by the benchmark's writers, one with a rule that a
  // webhook in this process hears (empty until part 3: a gap in part 1's rounds).
  const ingestDashboard = await createDashboard(store, { ownerId: user.id, name: 'Ingest' });
  const ingestBucket = await createBucket(store, {
    dashboardId: ingestDashboard.id,
    name: 'i',
    type: 'TSV',
  });
  const keyOf = async (dashboardId: string) =>
    (
      await createApiKey(
        store,
        { dashboardId, name: 'bench', type: 'production', createdBy: user.id },
        Date.now(),
      )
    ).key;
  ingest = { bucketId: ingestBucket.id, key: await keyOf(ingestDashboard.id) };
  const watchedDashboard = await createDashboard(store, { ownerId: user.id, name: 'Watched' });
  const watchedBucket = await createBucket(store, {
    dashboardId: watchedDashboard.id,
    name: 'w',
    type: 'TSV',
  });
  watched = { bucketId: watchedBucket.id, key: await keyOf(watchedDashboard.id) };
  const point = await addWebhook(store, watchedDashboard.id, receiverUrl);
  await addRule(
    store,
    watchedDashboard.id,
    thresholdCondition(watchedBucket.id, { threshold: 50 }),
    {
      name: 'crossed',
      contactPointIds: [point.id],
    },
  );
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
  console.log(
    `rules: ${RULES} (one watched by part 3), records per bucket: ${RECORDS}, rounds: ${ROUNDS}`,
  );
  console.log(`round wall time, median: ${median(times).toFixed(1)} ms`);
  console.log(
    `round CPU of this process (main and reader threads), median: ${median(cpu).toFixed(1)} ms`,
  );
  console.log(
    `share of one core at a ${INTERVAL_MS / 1000} s interval: ${((median(cpu) / INTERVAL_MS) * 100).toFixed(2)} %`,
  );
} finally {
  await store.close();
}

try {
  // Part 2: ingestion with the rules' rounds and without them, in turns.
  let clock = Date.now();
  const post = (url: string, target: { bucketId: string; key: string }, body: unknown) =>
    fetch(`${url}/api/buckets/${target.bucketId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': target.key },
      body: JSON.stringify(body),
    });
  const ingestionTurn = async (alertInterval: string) => {
    const server = await startServerProcess({
      DATABASE_URL: databaseUrl,
      ALERT_INTERVAL: alertInterval,
    });
    // Every server evaluates once as it starts (at its first upkeep tick, a second in), even
    // with ALERT_INTERVAL=1h: the turn begins after that round, so that its 15 s hold the one
    // further round of the 15 s interval and none with evaluation put off.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const cpuBefore = cpuSeconds(server.pid);
    const end = performance.now() + SECONDS * 1000;
    let values = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < end) {
          const batch = Array.from({ length: 100 }, () => ({
            k: ++clock,
            d: [1, 2, 3, 4].map((sk) => ({ sk, v: sk })),
          }));
          const response = await post(server.url, ingest, batch);
          await response.arrayBuffer();
          if (response.ok) values += 400;
        }
      }),
    );
    const cpuUs = (cpuSeconds(server.pid) - cpuBefore) * 1e6;
    await server.stop();
    return { perSecond: values / SECONDS, cpuUsPerValue: cpuUs / values };
  };
  if (TURNS > 0) {
    const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
    console.log(
      `\ningestion, ${TURNS} pairs of ${SECONDS} s turns, 4 writers of 100 records × 4 series:`,
    );
    console.log(`the rules' turns: ALERT_INTERVAL=${RULES_INTERVAL}`);
    console.log(
      '| pair | values/s, rules | values/s, evaluation off | ratio | CPU µs/value, rules | CPU µs/value, off | CPU ratio (off ÷ rules) |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    const rates: number[] = [];
    const cpuRatios: number[] = [];
    for (let turn = 1; turn <= TURNS; turn++) {
      // Alternate which goes first: a server starting right after another pays for its start.
      const rulesFirst = turn % 2 === 1;
      const first = await ingestionTurn(rulesFirst ? RULES_INTERVAL : '1h');
      const second = await ingestionTurn(rulesFirst ? '1h' : RULES_INTERVAL);
      const [withRules, without] = rulesFirst ? [first, second] : [second, first];
      rates.push(withRules.perSecond / without.perSecond);
      // As a throughput ratio: values per CPU second with the rules over without.
      cpuRatios.push(without.cpuUsPerValue / withRules.cpuUsPerValue);
      console.log(
        `| ${turn} | ${withRules.perSecond.toFixed(0)} | ${without.perSecond.toFixed(0)} | ${rates.at(-1)!.toFixed(2)} × ` +
          `| ${withRules.cpuUsPerValue.toFixed(2)} | ${without.cpuUsPerValue.toFixed(2)} | ${cpuRatios.at(-1)!.toFixed(2)} × |`,
      );
    }
    const spread = (ratios: number[]) =>
      `median ${median(ratios).toFixed(2)} ×, ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
    console.log(`values/s with the rules ÷ without: ${spread(rates)}`);
    console.log(`values per CPU second with the rules ÷ without: ${spread(cpuRatios)}`);
    console.log(
      `load average before: ${loadBefore}; after: ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
    );
  }

  // Part 3: from a write that crosses the threshold to the webhook.
  const server = await startServerProcess({
    DATABASE_URL: databaseUrl,
    ALERT_INTERVAL: `${LATENCY_INTERVAL_MS / 1000}s`,
    ALERT_WEBHOOK_ALLOW_PRIVATE: '1',
  });
  // The time until the webhook, or undefined when none came within 30 intervals (counted).
  const heard = async (type: string, after: number) => {
    for (let waited = 0; waited < 30 * LATENCY_INTERVAL_MS; waited += 20) {
      const arrival = arrivals.find((a) => a.type === type && a.at >= after);
      if (arrival) return arrival.at - after;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return undefined;
  };
  const latencies: number[] = [];
  let missed = 0;
  for (let sample = 0; sample < SAMPLES; sample++) {
    for (const [value, type] of [
      [100, 'alert.firing'],
      [0, 'alert.resolved'],
    ] as const) {
      const sent = Date.now();
      const response = await post(server.url, watched, [{ k: sent, d: [{ sk: 1, v: value }] }]);
      await response.arrayBuffer();
      const latency = await heard(type, sent);
      if (latency === undefined) missed++;
      else latencies.push(latency);
    }
  }
  await server.stop();
  const p = (q: number) => percentile(latencies, q);
  console.log(
    `\nwrite → webhook, ALERT_INTERVAL=${LATENCY_INTERVAL_MS / 1000}s, ${latencies.length} changes: ` +
      `p50 ${p(50).toFixed(0)} ms (${(p(50) / LATENCY_INTERVAL_MS).toFixed(2)} intervals), ` +
      `p99 ${p(99).toFixed(0)} ms (${(p(99) / LATENCY_INTERVAL_MS).toFixed(2)} intervals), ` +
      `${missed} not heard within 30 intervals`,
  );
} finally {
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}
