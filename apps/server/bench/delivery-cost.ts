/**
 * `node --import tsx apps/server/bench/delivery-cost.ts`: what one live delivery (an event to
 * one view) costs the server in CPU time, the figure the live caps are set from. The real
 * server process (TRUST_PROXY=1, each session from its own address) on a fresh SQLite
 * database; writes arrive at a fixed pace (WRITES_PER_SECOND, 100, over 50 buckets of one
 * dashboard), after a warm-up first with no view open, then with VIEWS (64, the cap per
 * dashboard) views of the dashboard. The
 * server's CPU seconds (from /proc: steady on a busy machine, unlike wall time) with views
 * less without, over the events the views received, is the cost of a delivery; its inverse,
 * the deliveries a second one core could make. Listens on 127.0.0.1 only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '@bucketgrid/store';
import { type LiveStream, openLive } from '../test/live-client.ts';
import {
  cpuSeconds,
  pinToCoreOne,
  sharedBusyDashboard,
  signIn,
  startServerProcess,
} from './harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const VIEWS = Number(process.env.VIEWS ?? 64);
const WRITES_PER_SECOND = Number(process.env.WRITES_PER_SECOND ?? 100);
const BUCKETS = 50;
const ACCOUNTS = 4;
const PASSWORD = 'correct horse battery';

pinToCoreOne(import.meta.url);

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-delivery-bench-'));
const databaseUrl = `file:${join(dir, 'bench.db')}`;
const store = await openStore(databaseUrl);
const { users, dashboard, buckets, key } = await sharedBusyDashboard(store, {
  accounts: ACCOUNTS,
  buckets: BUCKETS,
  emailPrefix: 'v',
  password: PASSWORD,
});
await store.close();

const server = await startServerProcess({ DATABASE_URL: databaseUrl, TRUST_PROXY: '1' });
const { url, pid } = server;

let k = Date.now() - 600_000;
let written = 0;
/** Writes at a fixed pace (open loop), so both phases carry the same writes. */
async function phase(): Promise<{ cpu: number; seconds: number }> {
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < SECONDS * WRITES_PER_SECOND; i++) {
    const due = started + (i * 1000) / WRITES_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const bucket = buckets[written++ % BUCKETS]!;
    writes.push(
      fetch(`${url}/api/buckets/${bucket.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify([{ k: ++k, d: [{ sk: 1, v: Math.random() }] }]),
      }).then((response) => response.arrayBuffer()),
    );
  }
  await Promise.all(writes);
  const seconds = (performance.now() - started) / 1000;
  return { cpu: cpuSeconds(pid) - cpuBefore, seconds };
}

await phase(); // warm-up: the first writes compile the write path
const without = await phase();
// 16 views per session (its cap), each session from its own address.
const jars: Map<string, string>[] = [];
for (let session = 0; session < Math.ceil(VIEWS / 16); session++) {
  jars.push(await signIn(url, users[session % ACCOUNTS]!.email, PASSWORD));
}
const views: LiveStream[] = [];
for (let i = 0; i < VIEWS; i++) {
  const session = Math.floor(i / 16);
  const jar = jars[session]!;
  views.push(
    openLive(
      url,
      'dashboards.live',
      { dashboardId: dashboard.id },
      { jar, headers: { 'x-forwarded-for': `10.0.${session}.${i}` } },
    ),
  );
}
await Promise.all(views.map((view) => view.started));
await sleep(1_000);
const before = views.reduce((sum, view) => sum + view.data.length, 0);
const withViews = await phase();
const delivered = views.reduce((sum, view) => sum + view.data.length, 0) - before;
const open = views.filter((view) => !view.isEnded).length;
const perDelivery = (withViews.cpu - without.cpu) / delivered;
console.log(
  `\n${open} of ${VIEWS} views open, ${WRITES_PER_SECOND} writes/s over ${BUCKETS} buckets, ${SECONDS} s per phase, load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  `server CPU without views ${without.cpu.toFixed(2)} s, with ${withViews.cpu.toFixed(2)} s; ${delivered} events delivered (${(delivered / withViews.seconds).toFixed(0)}/s)`,
);
console.log(
  `one delivery: ${(perDelivery * 1e6).toFixed(0)} µs of server CPU; one core: ${(1 / perDelivery).toFixed(0)} deliveries/s`,
);
for (const view of views) view.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
