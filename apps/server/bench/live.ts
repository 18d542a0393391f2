/**
 * `pnpm bench:live`: what one member's live-view attack costs everyone else, on the real
 * server process (its default limits), against a fresh SQLite database.
 *
 * A bucket takes 5 writes/s throughout; the owner keeps one live view of the dashboard open
 * and a normal client makes one request after the other (a tRPC query, a REST write). First
 * without an attack, then while a `user` member opens live views over 10 sessions, 20 at a
 * time, as fast as it can (at least 1,000 tries). Printed: the normal client's latency (p50/p95/p99), the
 * time from a write's 200 to its event at the owner's view, what the attacker got, and the
 * server's CPU and memory. A third phase is live views inside the caps: FANOUT_VIEWS (128)
 * views from 4 accounts on their own dashboard, fed by its key writing to 50 buckets as fast
 * as 8 writers can; printed with the events per second the server delivered to them. The
 * server runs on core 0, this process on core 1 (when `taskset` and two cores exist).
 * Environment: BENCH_SECONDS (5) per phase. Listens on 127.0.0.1 only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  addMember,
  createApiKey,
  createBucket,
  createDashboard,
  createUser,
} from '@bucketgrid/services';
import { openStore } from '@bucketgrid/store';
import { type LiveStream, openLive } from '../test/live-client.ts';
import {
  cpuSeconds,
  percentile,
  pinToCoreOne,
  rssMiB,
  sharedBusyDashboard,
  signIn,
  startServerProcess,
} from './harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ATTACK_SESSIONS = 10;
const FANOUT_VIEWS = Number(process.env.FANOUT_VIEWS ?? 128);
const FANOUT_ACCOUNTS = 4;
const FANOUT_BUCKETS = 50;
const PASSWORD = 'correct horse battery';

pinToCoreOne(import.meta.url);

// --- Setup: an owner with a dashboard, a bucket and a key; a member who attacks. ---
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-live-bench-'));
const databaseUrl = `file:${join(dir, 'bench.db')}`;
const store = await openStore(databaseUrl);
const owner = await createUser(store, {
  email: 'owner@example.com',
  password: PASSWORD,
  name: 'O',
});
const attacker = await createUser(store, {
  email: 'attacker@example.com',
  password: PASSWORD,
  name: 'A',
});
const dashboard = await createDashboard(store, { ownerId: owner.id, name: 'Plant' });
await addMember(store, 'owner', { dashboardId: dashboard.id, email: attacker.email, role: 'user' });
const bucket = await createBucket(store, { dashboardId: dashboard.id, name: 't', type: 'TSV' });
const { key } = await createApiKey(
  store,
  { dashboardId: dashboard.id, name: 'k', type: 'production', createdBy: owner.id },
  Date.now(),
);
// --- Views inside the caps: 4 accounts on their own dashboard of 50 buckets. ---
const {
  users: viewers,
  dashboard: fanDashboard,
  buckets: fanBuckets,
  key: fanKey,
} = await sharedBusyDashboard(store, {
  accounts: FANOUT_ACCOUNTS,
  buckets: FANOUT_BUCKETS,
  emailPrefix: 'viewer',
  password: PASSWORD,
});
await store.close();

const server = await startServerProcess({ DATABASE_URL: databaseUrl });
const { pid, url } = server;
const ownerJar = await signIn(url, owner.email, PASSWORD);
const attackerJars: Map<string, string>[] = [];
for (let i = 0; i < ATTACK_SESSIONS; i++)
  attackerJars.push(await signIn(url, attacker.email, PASSWORD));

let k = Date.now();
const write = () =>
  fetch(`${url}/api/buckets/${bucket.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify([{ k: ++k, d: [{ sk: 1, v: Math.random() }] }]),
  });
const cookieOf = (jar: Map<string, string>) =>
  [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
const query = () =>
  fetch(
    `${url}/trpc/dashboards.get?input=${encodeURIComponent(JSON.stringify({ dashboardId: dashboard.id }))}`,
    { headers: { cookie: cookieOf(ownerJar) } },
  );

// The owner's view: the time from each background write's 200 to its event.
const ownerView = openLive(
  url,
  'dashboards.live',
  { dashboardId: dashboard.id },
  { jar: ownerJar },
);
await ownerView.started;

interface Phase {
  latencies: number[];
  failures: number;
  eventDelays: number[];
  cpu: number;
  rss: number;
}

async function phase(
  during: () => Promise<void>,
  stop: () => void,
  enough: () => boolean = () => true,
): Promise<Phase> {
  const result: Phase = { latencies: [], failures: 0, eventDelays: [], cpu: 0, rss: 0 };
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const running = () => performance.now() < end || !enough();
  const attack = during();
  const background = (async () => {
    while (running()) {
      const seen = ownerView.data.length;
      const response = await write();
      const answered = performance.now();
      if (response.ok) {
        await ownerView.until((stream) => stream.data.length > seen);
        result.eventDelays.push(performance.now() - answered);
      }
      await sleep(200);
    }
  })();
  while (running()) {
    for (const request of [query, write]) {
      const t0 = performance.now();
      const response = await request();
      await response.arrayBuffer();
      result.latencies.push(performance.now() - t0);
      if (!response.ok) result.failures++;
    }
  }
  await background;
  result.cpu = (cpuSeconds(pid) - cpuBefore) / ((performance.now() - started) / 1000);
  result.rss = rssMiB(pid);
  stop();
  await attack;
  return result;
}

const baseline = await phase(
  async () => {},
  () => {},
);

const views: LiveStream[] = [];
let attacking = true;
const attack = await phase(
  async () => {
    // 20 opens in flight at a time: the first 1,000, then retries until the phase ends.
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (attacking) {
          const jar = attackerJars[views.length % ATTACK_SESSIONS]!;
          const view = openLive(url, 'dashboards.live', { dashboardId: dashboard.id }, { jar });
          views.push(view);
          await view.started;
        }
      }),
    );
  },
  () => {
    attacking = false;
  },
  () => views.length >= 1_000,
);
await sleep(500);
const refused = views.filter((view) => view.error?.data.appCode === 'too_many_live_views').length;
const open = views.filter((view) => !view.isEnded).length;
const eventsAtAttacker = views.reduce((sum, view) => sum + view.data.length, 0);

const row = (name: string, p: Phase) =>
  `| ${name} | ${p.latencies.length} | ${p.failures} | ${percentile(p.latencies, 50).toFixed(1)} | ${percentile(p.latencies, 95).toFixed(1)} | ${percentile(p.latencies, 99).toFixed(1)} | ${percentile(p.eventDelays, 50).toFixed(1)} / ${Math.max(...p.eventDelays).toFixed(1)} | ${(p.cpu * 100).toFixed(0)} % | ${p.rss.toFixed(0)} MiB |`;
console.log(`\nlive-view attack, ${SECONDS} s per phase, load average ${loadavg()[0]!.toFixed(1)}`);
console.log(
  '| phase | normal requests | failed | p50 ms | p95 ms | p99 ms | write 200 → event ms (p50 / max) | server CPU | server RSS |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(row('no attack', baseline));
console.log(row('1,000-view attack', attack));
console.log(
  `\nattacker: ${views.length} view opens tried, ${open} open, ${refused} refused (too_many_live_views); ${eventsAtAttacker} events delivered to its open views`,
);

for (const view of views) view.close();
await sleep(500);

// 16 views per session (the session cap), as many sessions as the views need.
const fanJars: Map<string, string>[] = [];
for (let i = 0; i < Math.ceil(FANOUT_VIEWS / 16); i++) {
  fanJars.push(await signIn(url, viewers[i % FANOUT_ACCOUNTS]!.email, PASSWORD));
}
const fanViews: LiveStream[] = [];
for (let i = 0; i < FANOUT_VIEWS; i++) {
  const jar = fanJars[Math.floor(i / 16)]!;
  fanViews.push(openLive(url, 'dashboards.live', { dashboardId: fanDashboard.id }, { jar }));
}
await Promise.all(fanViews.map((view) => view.started));
let feeding = true;
let fanWrites = 0;
let delivered = 0;
let deliveredSeconds = 0;
const fanout = await phase(
  async () => {
    const before = fanViews.reduce((sum, view) => sum + view.data.length, 0);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (feeding) {
          const target = fanBuckets[fanWrites++ % FANOUT_BUCKETS]!;
          const response = await fetch(`${url}/api/buckets/${target.id}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': fanKey },
            body: JSON.stringify([{ k: ++k, d: [{ sk: 1, v: Math.random() }] }]),
          });
          await response.arrayBuffer();
        }
      }),
    );
    delivered = fanViews.reduce((sum, view) => sum + view.data.length, 0) - before;
    deliveredSeconds = (performance.now() - started) / 1000;
  },
  () => {
    feeding = false;
  },
);
const fanOpen = fanViews.filter((view) => !view.isEnded).length;
console.log(row(`${FANOUT_VIEWS} views, 50 busy buckets`, fanout));
console.log(
  `\nviews inside the caps: ${fanOpen} of ${FANOUT_VIEWS} open, ${fanWrites} writes to 50 buckets, ${delivered} events delivered (${(delivered / deliveredSeconds).toFixed(0)} events/s, ${(delivered / deliveredSeconds / Math.max(1, fanOpen)).toFixed(1)} per view)`,
);
for (const view of fanViews) view.close();
ownerView.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
