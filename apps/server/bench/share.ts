/**
 * `pnpm bench:share`: what 200 anonymous viewers of one public share link cost everyone else,
 * on the real server process (its default limits, behind one trusted proxy so that each viewer
 * has its own address), against a fresh SQLite database.
 *
 * Writers stream records into the shared bucket as fast as 4 of them can (batches of 100); a
 * signed-in member reads the bucket's chart (`buckets.downsample`, 500 points) every 100 ms
 * (within a member's 1,200 reads a minute over both phases). First without viewers, then with VIEWERS (200) viewers of the link, each
 * as the share page behaves: `share.open`, the link's live stream, and on its events the
 * page's two widget reads (`share.downsample`) at most once a second. Printed: ingestion
 * values/s, the member's latency (p50/p95), what the viewers got, the server's CPU and this
 * process's (the load generator: near 100 % it, not the server, sets the pace), and the server
 * CPU one viewer's refresh costs (readCost); then the
 * first load of the app and of the share page in KB (brotli) when apps/web/dist is built.
 * The server runs unpinned (its reader threads need a core beside its event loop), this
 * process on core 1 (when `taskset` and two cores exist).
 * Without and with viewers in turns (BENCH_TURNS, 3), so that a machine's changing load weighs
 * on both. Environment: BENCH_SECONDS (10) per phase, VIEWERS (200), VIEWER_READS (1; 0: streams
 * only). Listens on 127.0.0.1 only.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
import { type LiveStream, openLive } from '../test/live-client.ts';
import {
  cpuSeconds,
  median,
  percentile,
  pinToCoreOne,
  signIn,
  startServerProcess,
} from './harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const VIEWERS = Number(process.env.VIEWERS ?? 200);
const TURNS = Number(process.env.BENCH_TURNS ?? 3);
/** `VIEWER_READS=0`: viewers keep their live streams but never read (what the streams cost). */
const VIEWER_READS = process.env.VIEWER_READS !== '0';
const WRITERS = 4;
const BATCH = 100;
const MEMBER_PAUSE_MS = 100;
/**
 * The share page refetches a bucket at most once a second, at a random moment within a second
 * of the event (apps/web/src/share/useShareLive.ts).
 */
const VIEWER_REFRESH_MS = 1_000;
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
await store.close();

// One trusted proxy in front: each viewer comes from its own address, as on the internet.
// Unpinned, as `bench:reads`: its reader threads need a core beside its event loop.
const server = await startServerProcess(
  { DATABASE_URL: databaseUrl, TRUST_PROXY: '1' },
  { pin: false, nodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean) },
);
const { pid, url } = server;
const memberJar = await signIn(url, owner.email, PASSWORD);
const cookie = [...memberJar].map(([name, value]) => `${name}=${value}`).join('; ');
const trpcGet = (path: string, input: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers });

let k = Date.now() - 600_000;
const writeBatch = () => {
  const records = Array.from({ length: BATCH }, () => ({
    k: ++k,
    d: [{ sk: 1, v: Math.random() }],
  }));
  return fetch(`${url}/api/buckets/${bucket.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(records),
  });
};

/** The page's two widgets' reads (the chart and the stat's sparkline), batched in one request. */
function widgetReads(headers: Record<string, string>): Promise<Response> {
  const now = Date.now();
  const read = (points: number) => ({
    token,
    bucketId: bucket.id,
    from: now - 3_600_000,
    to: now,
    points,
    series: [1],
  });
  const input = encodeURIComponent(JSON.stringify({ 0: read(500), 1: read(100) }));
  return fetch(`${url}/trpc/share.downsample,share.downsample?batch=1&input=${input}`, { headers });
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
      widgetReads(headers).then(async (response) => {
        await response.arrayBuffer();
        return response.ok;
      }),
    );
  }
  const answered = (await Promise.all(reads)).filter(Boolean).length;
  return { perRead: (cpuSeconds(pid) - cpuBefore) / answered, answered };
}

interface Viewers {
  streams: LiveStream[];
  reads: { ok: number; refused: number; failed: number };
  stop(): Promise<void>;
}

/** Viewers as the share page behaves, each from its own address. */
async function startViewers(count: number): Promise<Viewers> {
  const reads = { ok: 0, refused: 0, failed: 0 };
  const streams: LiveStream[] = [];
  let running = true;
  const loops: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const headers = { 'x-forwarded-for': `10.${(i >> 8) & 255}.${i & 255}.7` };
    const opened = await trpcGet('share.open', { token }, headers);
    await opened.arrayBuffer();
    const stream = openLive(url, 'share.live', { token }, { headers });
    streams.push(stream);
    loops.push(
      (async () => {
        await stream.started;
        let seen = 0;
        while (running && !stream.isEnded) {
          // A stream closed at the end of the phase ends its wait too.
          const heard = stream.until((s) => s.data.length > seen).catch(() => {});
          await Promise.race([heard, sleep(1_000)]);
          if (stream.data.length === seen) continue;
          seen = stream.data.length;
          if (!VIEWER_READS) continue;
          // As the page, each viewer refetches at a random moment within a second of the event.
          const started = performance.now();
          await sleep(Math.random() * VIEWER_REFRESH_MS);
          const batch = await widgetReads(headers);
          const answers = (await batch.json()) as { error?: { data?: { appCode?: string } } }[];
          for (const answer of answers) {
            if (!answer.error) reads.ok++;
            else if (answer.error.data?.appCode === 'rate_limited') reads.refused++;
            else reads.failed++;
          }
          await sleep(Math.max(0, started + VIEWER_REFRESH_MS - performance.now()));
        }
      })(),
    );
  }
  await Promise.all(streams.map((stream) => stream.started));
  return {
    streams,
    reads,
    async stop() {
      running = false;
      for (const stream of streams) stream.close();
      await Promise.all(loops);
    },
  };
}

interface Phase {
  values: number;
  seconds: number;
  member: number[];
  memberFailures: number;
  cpu: number;
  clientCpu: number;
}

async function phase(): Promise<Phase> {
  const result: Phase = {
    values: 0,
    seconds: 0,
    member: [],
    memberFailures: 0,
    cpu: 0,
    clientCpu: 0,
  };
  const cpuBefore = cpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const writers = Array.from({ length: WRITERS }, async () => {
    while (performance.now() < end) {
      const response = await writeBatch();
      await response.arrayBuffer();
      if (response.ok) result.values += BATCH;
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
// it) weighs on both alike; each turn's ratio is its own.
const turns: {
  without: Phase;
  with: Phase;
  events: number;
  open: number;
  reads: Viewers['reads'];
}[] = [];
for (let turn = 0; turn < TURNS; turn++) {
  const without = await phase();
  const viewers = await startViewers(VIEWERS);
  const readsBefore = { ...viewers.reads };
  const eventsBefore = viewers.streams.reduce((sum, s) => sum + s.data.length, 0);
  const watched = await phase();
  const events = viewers.streams.reduce((sum, s) => sum + s.data.length, 0) - eventsBefore;
  const open = viewers.streams.filter((s) => !s.isEnded).length;
  const reads = {
    ok: viewers.reads.ok - readsBefore.ok,
    refused: viewers.reads.refused - readsBefore.refused,
    failed: viewers.reads.failed - readsBefore.failed,
  };
  await viewers.stop();
  turns.push({ without, with: watched, events, open, reads });
  await sleep(1_000);
}

const valuesPerSecond = (p: Phase) => p.values / p.seconds;
const row = (name: string, p: Phase) =>
  `| ${name} | ${valuesPerSecond(p).toFixed(0)} | ${p.member.length} | ${p.memberFailures} | ${percentile(p.member, 50).toFixed(1)} | ${percentile(p.member, 95).toFixed(1)} | ${(p.cpu * 100).toFixed(0)} % | ${(p.clientCpu * 100).toFixed(0)} % |`;
console.log(
  `\n${VIEWERS} viewers of one public link, ${TURNS} turns of ${SECONDS} s per phase, load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  '| turn, phase | ingestion values/s | member reads | failed | member p50 ms | member p95 ms | server CPU | load generator CPU |',
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
for (const [i, turn] of turns.entries()) {
  console.log(
    `turn ${i + 1} viewers: ${turn.open} of ${VIEWERS} streams open, ${turn.events} events (${(turn.events / turn.with.seconds / Math.max(1, turn.open)).toFixed(2)} per viewer per s), widget reads ${turn.reads.ok} answered, ${turn.reads.refused} refused (rate_limited), ${turn.reads.failed} failed otherwise`,
  );
}

await readCost(); // warm-up
const cost = await readCost();
console.log(
  `one viewer refresh (two widget reads, shared answers): ${(cost.perRead * 1e6).toFixed(0)} µs of server CPU (${cost.answered} answered at a fixed pace, no writes)`,
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
