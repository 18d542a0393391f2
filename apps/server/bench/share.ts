/**
 * `pnpm bench:share`: what 200 anonymous viewers of one public share link cost everyone else,
 * on the real server process (its default limits, behind one trusted proxy so that each viewer
 * has its own address), against a fresh SQLite database.
 *
 * Writers stream records into the shared bucket as fast as 4 of them can (batches of 100); a
 * signed-in member reads the bucket's chart (`buckets.downsample`, 500 points) every 100 ms
 * (within a member's 1,200 reads a minute over both phases). First without viewers, then with
 * VIEWERS (200) viewers of the link, each as the share page behaves (bench/share-viewers.ts:
 * `share.open`, the link's live stream, and the page's two widget reads, pushed with each
 * event by default). Printed: ingestion values/s, the member's latency (p50/p95); over all
 * turns, ingestion with viewers against without, and the member's p95 with a bootstrap
 * interval of the difference; what the
 * viewers got, the server's CPU and this process's (near 100 % it, not the server, sets the
 * pace); then what one viewer's refresh costs the server in CPU time at a fixed pace, in the
 * viewers' mode (refreshCost) and by request (readCost: the page of a link whose range viewers
 * may change, and any page's first load); then the first load of the app and of the share page
 * in KB (brotli) when apps/web/dist is built.
 *
 * Where things run, on a 2-core machine: the server unpinned (its reader threads need a core
 * beside its event loop) and in a session of its own; the writers and the member in this
 * process on core 1, at normal priority; the viewers in a child process on core 1 too, at the
 * lowest priority, in a session of its own (bench/lowest-priority.ts), as the attacker of
 * `bench:reads`. The session: the kernel here groups processes by session
 * (`sched_autogroup`) and nice orders threads only within a group. In the bench's session the
 * server's reader threads (nice 19, packages/store) yielded to this process's writers (nice
 * 0) as to the server's own event loop, so the member's read (`buckets.downsample` runs on a
 * reader thread) waited seconds for a core with the server at half a core: 8–63 reads in 10 s
 * of the 100 asked, p95 0.25–3.9 s, with or without viewers (at reader nice 0 in the same run:
 * p50 14 ms). That measured the bench, not the server: in a deployment the load is other
 * machines.
 * Real viewers are other machines: what their own parsing costs must not be taken from the
 * server and the writers, as it would be at equal priority on these two cores. What the
 * viewers cost the server (its sockets, its writes) is measured in full: it is the server's
 * own CPU.
 *
 * Without and with viewers in turns (BENCH_TURNS, 3), so that a machine's changing load weighs
 * on both, after a phase without viewers that is not counted: the first turn's phase without
 * viewers ran the server's code cold (its ingestion 0.5–0.8 × the next one's). Environment: BENCH_SECONDS (10) per phase, VIEWERS (200), VIEWER_MODE (`push`: the
 * answers come with the events; `fetch`: each viewer asks for them, as before they were
 * pushed; `none`: the streams only), READ_COST_RATE (200 refreshes a second for readCost),
 * BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof`). Listens on 127.0.0.1 only.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  createApiKey,
  createBucket,
  createDashboard,
  createShareLink,
  createUser,
  saveLayout,
} from '@bucketgrid/services';
import type { LayoutContent } from '@bucketgrid/shared';
import { openStore } from '@bucketgrid/store';
import {
  comparePercentiles,
  cpuSeconds,
  median,
  percentile,
  pinToCoreOne,
  postRecordsText,
  signIn,
  startServerProcess,
  valuesPerSecondOver,
} from './harness.ts';
import type { ViewerMode, ViewerSetup, ViewerStats } from './share-viewers.ts';
import { fetchWidgetReads } from './share-widget-reads.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const VIEWERS = Number(process.env.VIEWERS ?? 200);
const TURNS = Number(process.env.BENCH_TURNS ?? 3);
/** How the viewers get their widgets' answers (bench/share-viewers.ts). */
const VIEWER_MODE = (process.env.VIEWER_MODE ?? 'push') as ViewerMode;
const WRITERS = 4;
const BATCH = 100;
const MEMBER_PAUSE_MS = 100;
const PASSWORD = 'correct horse battery';

pinToCoreOne(import.meta.url);

// --- Setup: a dashboard with a chart and a stat of one bucket, shared by a locked link. ---
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-share-bench-'));
const databaseUrl = `file:${join(dir, 'bench.db')}`;
const store = await openStore(databaseUrl);
const owner = await createUser(store, {
  email: 'owner@example.com',
  password: PASSWORD,
  name: 'O',
});
const dashboard = await createDashboard(store, { ownerId: owner.id, name: 'Plant' });
const bucket = await createBucket(store, { dashboardId: dashboard.id, name: 't', type: 'TSV' });
const content: LayoutContent = {
  widgets: [
    {
      id: 'chart',
      type: 'timeChart',
      title: '',
      bucketId: bucket.id,
      series: [{ sk: 1, axis: 'left' }],
      style: 'line',
      stacked: false,
      stat: 'avg',
      band: false,
      preset: 'high',
      pos: { x: 0, y: 0, w: 8, h: 4 },
    },
    {
      id: 'now',
      type: 'stat',
      title: '',
      bucketId: bucket.id,
      sk: 1,
      thresholds: [],
      sparkline: true,
      showChange: true,
      pos: { x: 8, y: 0, w: 4, h: 2 },
    },
  ],
  defaultRange: '1h',
  maxWidth: null,
};
await saveLayout(
  store,
  { dashboardId: dashboard.id, userId: owner.id, version: 0, content },
  Date.now(),
);
const { key } = await createApiKey(
  store,
  { dashboardId: dashboard.id, name: 'k', type: 'production', createdBy: owner.id },
  Date.now(),
);
const { url: shareUrl } = await createShareLink(
  { store, publicUrl: 'http://unused', now: Date.now },
  dashboard.id,
  owner,
  { name: 'status', expiresAt: null, allowRangeChange: false, frameOrigins: [] },
);
const token = shareUrl.split('/s/')[1]!;
/**
 * A key per writer, as four devices would have: one key's budget is 6,000,000 records a
 * minute, and four writers sharing it came within 10 % of it (about 90,000 records a second),
 * past which every write would be a fast 429 that ingests nothing.
 */
const writerKeys = await Promise.all(
  Array.from({ length: WRITERS }, async (_, i) => {
    const { key: writerKey } = await createApiKey(
      store,
      { dashboardId: dashboard.id, name: `writer ${i}`, type: 'production', createdBy: owner.id },
      Date.now(),
    );
    return writerKey;
  }),
);
await store.close();

// One trusted proxy in front: each viewer comes from its own address, as on the internet.
// Unpinned, as `bench:reads`: its reader threads need a core beside its event loop.
const server = await startServerProcess(
  { DATABASE_URL: databaseUrl, TRUST_PROXY: '1' },
  {
    pin: false,
    ownSession: true,
    nodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  },
);
const { pid, url } = server;
const memberJar = await signIn(url, owner.email, PASSWORD);
const cookie = [...memberJar].map(([name, value]) => `${name}=${value}`).join('; ');
const trpcGet = (path: string, input: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers });

/**
 * Where the writers append: a month before the hour the link shows, 1 ms apart. The bucket
 * keeps its latest 100,000 records (the default retention); at 1 ms apart those span less than
 * two minutes, so writes into the shown hour left charts of 11 points (1 KB answers). Here the
 * shown hour holds a record every second, written before the turns and never trimmed (the
 * writers' records are older): every answer is full size, as a status page's. Each write
 * still sends the link's viewers an event, and each event a fresh read of the hour.
 */
let k = Date.now() - 30 * 24 * 3_600_000;
/**
 * The writers' bodies are built as text and sent over node:http (harness.ts), which costs
 * this process less than fetch.
 */
const writersAgent = new Agent({ keepAlive: true });
const writeBatch = (writerKey: string) => {
  const records = Array.from(
    { length: BATCH },
    () => `{"k":${++k},"d":[{"sk":1,"v":${Math.random()}}]}`,
  );
  return postRecordsText(writersAgent, url, bucket.id, writerKey, `[${records.join(',')}]`);
};

for (let at = Date.now() - 3_600_000; at < Date.now(); at += BATCH * 1_000) {
  const records = Array.from({ length: BATCH }, (_, i) => ({
    k: at + i * 1_000,
    d: [{ sk: 1, v: Math.random() }],
  }));
  const written = await fetch(`${url}/api/buckets/${bucket.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(records),
  });
  if (!written.ok) throw new Error(`filling the hour: ${written.status} ${await written.text()}`);
}

/**
 * What one viewer's refresh (the batch of two reads) costs the server: READ_COST_RATE of them
 * a second at a fixed pace for BENCH_SECONDS, no writes, the server's CPU seconds over the
 * refreshes answered (CPU time: steady on a busy machine, unlike latencies).
 */
async function readCost(): Promise<{ perRead: number; answered: number }> {
  const rate = Number(process.env.READ_COST_RATE ?? 200);
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const reads: Promise<boolean>[] = [];
  for (let i = 0; i < SECONDS * rate; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const headers = { 'x-forwarded-for': `10.1.${(i >> 8) & 255}.${i & 255}` };
    reads.push(
      fetchWidgetReads(url, token, bucket.id, headers).then(async (response) => {
        await response.arrayBuffer();
        return response.ok;
      }),
    );
  }
  const answered = (await Promise.all(reads)).filter(Boolean).length;
  return { perRead: (cpuSeconds(pid) - cpuBefore) / answered, answered };
}

interface Viewers {
  /** Counted since the last call. */
  stats(): Promise<ViewerStats>;
  stop(): Promise<void>;
}

/** The viewers, in their own process at the lowest priority (bench/share-viewers.ts). */
async function startViewers(count: number): Promise<Viewers> {
  // A session of its own: its own scheduling group (lowest-priority.ts says why).
  const child = fork(fileURLToPath(new URL('./share-viewers.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    detached: true,
  });
  const next = <T>(key: string) =>
    new Promise<T>((resolve) => {
      const listener = (message: Record<string, unknown>) => {
        if (!(key in message)) return;
        child.off('message', listener);
        resolve(message[key] as T);
      };
      child.on('message', listener);
    });
  await next('ready');
  const setup: ViewerSetup = { url, token, bucketId: bucket.id, count, mode: VIEWER_MODE };
  child.send({ start: setup });
  await next('started');
  return {
    stats() {
      child.send({ stats: true });
      return next<ViewerStats>('stats');
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ stop: true });
      await exited;
    },
  };
}

interface Phase {
  values: number;
  seconds: number;
  member: number[];
  memberFailures: number;
  /** The writers' requests answered other than 200 (none is expected: a key each). */
  writesRefused: number;
  cpu: number;
  clientCpu: number;
}

async function phase(): Promise<Phase> {
  const result: Phase = {
    values: 0,
    seconds: 0,
    member: [],
    memberFailures: 0,
    writesRefused: 0,
    cpu: 0,
    clientCpu: 0,
  };
  const cpuBefore = cpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const writers = writerKeys.map(async (writerKey) => {
    while (performance.now() < end) {
      const status = await writeBatch(writerKey);
      if (status === 200) result.values += BATCH;
      else result.writesRefused += 1;
    }
  });
  while (performance.now() < end) {
    const now = Date.now();
    const t0 = performance.now();
    const response = await trpcGet(
      'buckets.downsample',
      {
        dashboardId: dashboard.id,
        bucketId: bucket.id,
        from: now - 3_600_000,
        to: now,
        points: 500,
      },
      { cookie },
    );
    await response.arrayBuffer();
    result.member.push(performance.now() - t0);
    if (!response.ok) result.memberFailures++;
    await sleep(MEMBER_PAUSE_MS);
  }
  await Promise.all(writers);
  result.seconds = (performance.now() - started) / 1000;
  result.cpu = (cpuSeconds(pid) - cpuBefore) / result.seconds;
  const client = process.cpuUsage(clientBefore);
  result.clientCpu = (client.user + client.system) / 1e6 / result.seconds;
  return result;
}

// Turns of both, one after the other, so that a machine whose load changes (other work on
// it) weighs on both alike; each turn's ratio is its own. A warm-up first.
await phase();
const turns: { without: Phase; with: Phase; viewers: ViewerStats }[] = [];
for (let turn = 0; turn < TURNS; turn++) {
  const without = await phase();
  const viewers = await startViewers(VIEWERS);
  await viewers.stats();
  const watched = await phase();
  turns.push({ without, with: watched, viewers: await viewers.stats() });
  await viewers.stop();
  await sleep(1_000);
}

const valuesPerSecond = (p: Phase) => p.values / p.seconds;
const row = (name: string, p: Phase) =>
  `| ${name} | ${valuesPerSecond(p).toFixed(0)} | ${p.member.length} | ${p.memberFailures} / ${p.writesRefused} | ${percentile(p.member, 50).toFixed(1)} | ${percentile(p.member, 95).toFixed(1)} | ${(p.cpu * 100).toFixed(0)} % | ${(p.clientCpu * 100).toFixed(0)} % |`;
console.log(
  `\n${VIEWERS} viewers of one public link, ${TURNS} turns of ${SECONDS} s per phase, load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  '| turn, phase | ingestion values/s | member reads | failed: member / writes | member p50 ms | member p95 ms | server CPU | load generator CPU |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
turns.forEach((turn, i) => {
  console.log(row(`${i + 1}, no viewers`, turn.without));
  console.log(row(`${i + 1}, ${VIEWERS} viewers`, turn.with));
});
const ratios = turns.map((turn) => valuesPerSecond(turn.with) / valuesPerSecond(turn.without));
const p95s = turns.map((turn) => [
  percentile(turn.without.member, 95),
  percentile(turn.with.member, 95),
]);
console.log(
  `\ningestion with viewers, per turn: ${ratios.map((r) => `${(r * 100).toFixed(0)} %`).join(', ')} of without (median ${(median(ratios) * 100).toFixed(0)} %); member p95 without / with: ${p95s.map(([a, b]) => `${a!.toFixed(0)} / ${b!.toFixed(0)} ms`).join(', ')}`,
);
// Over all turns: each turn's ratio swings with the machine (81–121 %).
const pooledRate = (phase: 'without' | 'with') =>
  valuesPerSecondOver(turns.map((turn) => turn[phase]));
console.log(
  `ingestion over all turns: ${((pooledRate('with') / pooledRate('without')) * 100).toFixed(1)} % of without (goal ≥ 95 %)`,
);
const pooled = (phase: 'without' | 'with') => turns.flatMap((turn) => turn[phase].member);
const [without, withViewers] = [pooled('without'), pooled('with')];
const { difference: p95 } = comparePercentiles(without, withViewers, 95);
console.log(
  `member p95 over all turns: ${percentile(without, 95).toFixed(0)} ms without, ${percentile(withViewers, 95).toFixed(0)} ms with viewers (${without.length} and ${withViewers.length} reads); with less without ${p95.value.toFixed(0)} ms, 95 % bootstrap interval ${p95.low.toFixed(0)} to ${p95.high.toFixed(0)} ms: ${p95.low <= 0 && p95.high >= 0 ? 'unchanged within noise' : p95.low > 0 ? 'higher with viewers' : 'lower with viewers'}`,
);
for (const [i, { viewers: v, with: watched }] of turns.entries()) {
  const perViewerSecond = (n: number) => (n / watched.seconds / Math.max(1, v.open)).toFixed(2);
  console.log(
    `turn ${i + 1} viewers (${VIEWER_MODE}): ${v.open} of ${VIEWERS} streams open, ${v.errors} ended by the server, ${v.events} events (${perViewerSecond(v.events)} per viewer per s), ${v.answers} answers pushed (${perViewerSecond(v.answers)} per viewer per s, ${(v.answerBytes / Math.max(1, v.answers) / 1024).toFixed(1)} KB each), widget reads fetched ${v.reads.ok} answered, ${v.reads.refused} refused (rate_limited), ${v.reads.failed} failed otherwise`,
  );
}

/**
 * What one viewer's refresh costs when its answers are pushed: a write a second at a fixed
 * pace (one record), BENCH_SECONDS without viewers, then as long with VIEWERS viewers in the
 * bench's mode; the server's CPU seconds with less without, over the events the viewers got
 * (each with its two answers when pushed). CPU time, as readCost: steady on a busy machine.
 */
async function refreshCost(): Promise<{ perEvent: number; events: number }> {
  const paced = async () => {
    const before = cpuSeconds(pid);
    const started = performance.now();
    for (let i = 0; i < SECONDS; i++) {
      const wait = started + i * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      const response = await fetch(`${url}/api/buckets/${bucket.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify([{ k: ++k, d: [{ sk: 1, v: Math.random() }] }]),
      });
      await response.arrayBuffer();
    }
    await sleep(Math.max(0, started + SECONDS * 1000 - performance.now()));
    return cpuSeconds(pid) - before;
  };
  const alone = await paced();
  const viewers = await startViewers(VIEWERS);
  await viewers.stats();
  const watched = await paced();
  const { events } = await viewers.stats();
  await viewers.stop();
  return { perEvent: (watched - alone) / Math.max(1, events), events };
}

if (VIEWER_MODE !== 'none') {
  const refresh = await refreshCost();
  console.log(
    `one viewer refresh (${VIEWER_MODE}): ${(refresh.perEvent * 1e6).toFixed(0)} µs of server CPU (one write a second, ${refresh.events} events to the viewers, server CPU with less without)`,
  );
}
await readCost(); // warm-up
const cost = await readCost();
console.log(
  `one refresh by request (two widget reads, shared answers): ${(cost.perRead * 1e6).toFixed(0)} µs of server CPU (${cost.answered} answered at a fixed pace, no writes)`,
);

const webDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));
if (existsSync(join(webDist, 'share.html'))) {
  const { firstLoad } = await import('../../web/bench/first-load.ts');
  const app = firstLoad('index.html');
  const share = firstLoad('share.html');
  console.log(
    `first load (brotli): app ${(app.bytes / 1024).toFixed(1)} KB in ${app.files.length} files, share page ${(share.bytes / 1024).toFixed(1)} KB in ${share.files.length} files`,
  );
} else {
  console.log('first load: apps/web/dist is not built (pnpm --filter @bucketgrid/web build)');
}

await server.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
