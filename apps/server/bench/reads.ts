/**
 * `pnpm bench:reads`: what the heaviest reads and a wall of live views cost a normal client,
 * on the real server process (its default limits), against a fresh SQLite database.
 *
 * A heavy bucket of BENCH_RECORDS (200,000) records × 100 series, 10 ms apart, upkeep settled.
 * A normal client makes one request after the other (a REST write of one record, then a
 * downsampled read of its own small bucket, a round per 60 ms at most) and four writers ingest
 * batches of 100 records × 10 series. After a warm-up (a phase without the attacker, not
 * counted), phases in turns (BENCH_TURNS, 4), BENCH_SECONDS (5) each, each against a phase
 * without the attacker just before it: (a) five API keys each
 * reading the heavy bucket as hard as they can (the whole range at points=5000, and pages of
 * 10,000 records); (b) 128 live views under writes to 50 buckets: 4 self-registered accounts,
 * two sessions each (a session holds 16 views), from two client addresses (127.0.0.2 and
 * 127.0.0.3: Linux routes 127.0.0.0/8 to the loopback), on two dashboards of 25 buckets (a
 * dashboard holds 64 views), so that every live cap is reached and none exceeded; the
 * dashboards' keys write each bucket once per gathering interval (BENCH_WRITE_GAP_MS, by
 * default the server's 250 ms, `LIVE_REFRESH_GAP_MS`): every event then names every bucket,
 * the most views can be sent; writing faster adds writes, whose cost the ingestion benchmark
 * measures, not events. The phase "writes" measures those writes without views.
 *
 * The attacker (reads-attacker.ts) runs in a child process at nice 19, in a session (and so a
 * scheduling group) of its own: in reality the readers and the viewers are other machines and
 * take none of the server's cores; here they share its two cores and take what the server,
 * the normal client and the writers leave. What it
 * achieved is printed (heavy reads; views open and refused, events per view, writes), so a
 * starved attacker shows. The normal client and the writers run in this process at the
 * server's priority. Printed: the normal client's p50/p95, ingestion values/s, and their
 * ratios to the phase without; the same over all turns (latencies pooled, with a bootstrap
 * interval of the p95 ratio); and where the CPU went: the server's event loop, its reader
 * threads (lowered priority), its other threads (libuv's pool, GC), this process, the
 * attacker; and the attack's own cost to the event loop (its CPU with the attacker less what
 * the same ingestion cost it without), steadier than the ratios on a busy machine. The
 * server runs unpinned (its reader threads need a core beside its event loop) and in a
 * session of its own, as in a deployment: where the kernel groups processes by session, its
 * nice 19 reader threads then yield to its own event loop, not to this process's writers
 * (bench:share found the bench's own session starving the server's reads).
 * BENCH_PHASES ("reads,views"; "writes" adds the attacker's writes without views) picks the
 * phases; BENCH_BASELINE (a checkout's root, e.g. a `git worktree` of main) runs that
 * checkout's server on a copy of the same database, taking turns with this one, so the two
 * are compared in the same run. BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof") profiles the servers; BENCH_BASELINE_NODE_ARGS are the baseline
 * server's (default BENCH_SERVER_NODE_ARGS: with BENCH_BASELINE set to this checkout, it
 * measures a Node flag against none). Listens on 127.0.0.1 only.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addMember,
  createApiKey,
  createBucket,
  createDashboard,
  createUser,
  QUOTAS,
} from '@bucketgrid/services';
import { type DataRecord, LIVE_REFRESH_GAP_MS, type SeriesValues } from '@bucketgrid/shared';
import { openStore } from '@bucketgrid/store';
import {
  comparePercentiles,
  cpuSeconds,
  cpuSecondsByThread,
  percentile,
  postRecordsText,
  type ServerProcess,
  signIn,
  startServerProcess,
  valuesPerSecondOver,
} from './harness.ts';
import type { Attack, AttackReport } from './reads-attacker.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TURNS = Number(process.env.BENCH_TURNS ?? 4);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const SERIES = 100;
const PASSWORD = 'correct horse battery';
const FIRST = Date.UTC(2025, 0, 1);
const NORMAL_ROUND_MS = 60;
const PHASES = (process.env.BENCH_PHASES ?? 'reads,views').split(',');
const BASELINE = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : undefined;
/** The attacker writes each of its buckets at most this often: the most events views can get. */
const WRITE_GAP_MS = Number(process.env.BENCH_WRITE_GAP_MS ?? LIVE_REFRESH_GAP_MS);
const nodeArgs = (args: string | undefined) => args?.split(' ').filter(Boolean) ?? [];
const NODE_ARGS = nodeArgs(process.env.BENCH_SERVER_NODE_ARGS);
const BASELINE_NODE_ARGS = nodeArgs(
  process.env.BENCH_BASELINE_NODE_ARGS ?? process.env.BENCH_SERVER_NODE_ARGS,
);

// --- Setup, through the store: the heavy bucket, a normal client's bucket, an attacker's dashboard.
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-reads-bench-'));
const databaseUrl = `file:${join(dir, 'bench.db')}`;
const store = await openStore(databaseUrl);
const owner = await createUser(store, {
  email: 'owner@example.com',
  password: PASSWORD,
  name: 'O',
});
const dashboard = await createDashboard(store, {
  ownerId: owner.id,
  name: 'Heavy',
  retention: 1_000_000,
});
const heavy = await createBucket(store, { dashboardId: dashboard.id, name: 'h', type: 'TSV' });
const normalBucket = await createBucket(store, {
  dashboardId: dashboard.id,
  name: 'n',
  type: 'TSV',
});
/**
 * The writers' bucket, a fresh one for every phase measured: at about 100,000 records a second
 * one bucket reached the dashboard's retention (1,000,000) after 10 s of phases, and every
 * phase after that trimmed 100 records per write (a chunk's keys decoded and rewritten), which
 * the phases before it did not: with one bucket, a phase with the attacker measured after one
 * without it paid for the trims (0.84 × of without in a 10 s turn, `trim` 3 % of a core).
 */
const PHASES_MEASURED = TURNS * PHASES.length * 2 + 1;
const BUCKETS_LEFT = QUOTAS.bucketsPerDashboard - 2;
if (PHASES_MEASURED > BUCKETS_LEFT) {
  throw new Error(
    `BENCH_TURNS × phases × 2, and a warm-up, is ${PHASES_MEASURED}: a phase writes a bucket of its own, and the dashboard has room for ${BUCKETS_LEFT} more.`,
  );
}
const ingestBuckets = await Promise.all(
  Array.from({ length: PHASES_MEASURED }, (_, i) =>
    createBucket(store, { dashboardId: dashboard.id, name: `i${i}`, type: 'TSV' }),
  ),
);
const newKey = async (dashboardId: string, createdBy: string) =>
  (
    await createApiKey(
      store,
      { dashboardId, name: `k${Math.random()}`, type: 'production', createdBy },
      Date.now(),
    )
  ).key;
const normalKey = await newKey(dashboard.id, owner.id);
/**
 * A key per writer: one key's budget is 6,000,000 records a minute, which four writers sharing
 * it passed within a turn (about 180,000 records a second), and from then on every write was a
 * fast 429 that ingested nothing.
 */
const ingestKeys = await Promise.all(
  Array.from({ length: 4 }, () => newKey(dashboard.id, owner.id)),
);
const readerKeys = await Promise.all(
  Array.from({ length: 5 }, () => newKey(dashboard.id, owner.id)),
);
for (let start = 0; start < RECORDS; start += 10_000) {
  const records: DataRecord[] = [];
  for (let i = start; i < Math.min(RECORDS, start + 10_000); i++) {
    const values: SeriesValues = {};
    for (let sk = 1; sk <= SERIES; sk++) values[sk] = (i * sk) % 1000;
    records.push({ key: FIRST + i * 10, values });
  }
  await store.upsertRecords(heavy, records, 'merge');
}
while ((await store.maintain(Date.now() + 60_000)).more) {}

// The live-view attacker: 4 self-registered accounts and 2 dashboards of 25 buckets, each
// dashboard with two of the accounts as members and a key that writes to its buckets.
const viewers = await Promise.all(
  [1, 2, 3, 4].map((n) =>
    createUser(store, { email: `viewer${n}@example.com`, password: PASSWORD, name: `V${n}` }),
  ),
);
const liveDashboards = await Promise.all(
  [0, 2].map((owner) => createDashboard(store, { ownerId: viewers[owner]!.id, name: 'Live' })),
);
for (const [i, live] of liveDashboards.entries()) {
  await addMember(store, 'owner', {
    dashboardId: live.id,
    email: viewers[2 * i + 1]!.email,
    role: 'user',
  });
}
const liveBuckets = await Promise.all(
  Array.from({ length: 50 }, (_, i) =>
    createBucket(store, { dashboardId: liveDashboards[i % 2]!.id, name: `b${i}`, type: 'TSV' }),
  ),
);
const liveKeys = await Promise.all(liveDashboards.map((d, i) => newKey(d.id, viewers[2 * i]!.id)));
await store.close();

interface Target {
  name: string;
  server: ServerProcess;
  url: string;
  databasePath: string;
  /** The attacker's process (reads-attacker.ts, nice 19). */
  attacker: ChildProcess;
  /** Two sessions per attacking account: a session holds at most 16 views. */
  viewerCookies: string[][];
  /** Phases measured on this target so far: the next one writes `ingestBuckets[phasesRun]`. */
  phasesRun: number;
}

async function startTarget(name: string, root: string | undefined): Promise<Target> {
  const databasePath = join(dir, `${name}.db`);
  copyFileSync(join(dir, 'bench.db'), databasePath);
  const server = await startServerProcess(
    { DATABASE_URL: `file:${databasePath}` },
    {
      pin: false,
      ownSession: true,
      nodeArgs: name === 'baseline' ? BASELINE_NODE_ARGS : NODE_ARGS,
      cwd: root && join(root, 'apps/server'),
    },
  );
  const cookieOf = (jar: Map<string, string>) =>
    [...jar].map(([cookie, value]) => `${cookie}=${value}`).join('; ');
  // One after the other: an address may run 4 password checks at once.
  const viewerCookies: string[][] = [];
  for (const viewer of viewers) {
    const sessions: string[] = [];
    for (const _ of [1, 2])
      sessions.push(cookieOf(await signIn(server.url, viewer.email, PASSWORD)));
    viewerCookies.push(sessions);
  }
  // A session of its own: its own scheduling group (reads-attacker.ts says why).
  const attacker = fork(fileURLToPath(new URL('./reads-attacker.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    detached: true,
  });
  return { name, server, url: server.url, databasePath, attacker, viewerCookies, phasesRun: 0 };
}

const targets = [await startTarget('this', undefined)];
if (BASELINE) targets.push(await startTarget('baseline', BASELINE));

let clock = Date.now();
let url = targets[0]!.url;
/**
 * The writers' connections and body: built as text on a kept-alive node:http agent, not with
 * JSON.stringify through fetch, so that the load takes less of the two cores from the server.
 */
const writersAgent = new Agent({ keepAlive: true });
const TEN_VALUES = JSON.stringify(Array.from({ length: 10 }, (_, sk) => ({ sk: sk + 1, v: sk })));
const post = (bucketId: string, key: string, body: unknown) =>
  fetch(`${url}/api/buckets/${bucketId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(body),
  });

interface Phase {
  latencies: number[];
  /** The normal client's and the writers' failed requests, by status. */
  failures: Map<number, number>;
  values: number;
  seconds: number;
  attack: AttackReport | undefined;
  /**
   * CPU seconds per second of the phase: the server's threads by kind, this process (the
   * normal client and the writers), the attacker; and the s per s the event loop waited.
   */
  cpu: {
    eventLoop: number;
    background: number;
    other: number;
    load: number;
    attacker: number;
    waiting: number;
  };
  /** The server's WAL file at the end of the phase, in MiB. */
  walMiB: number;
}

let target = targets[0]!;

/** Tells the attacker, and waits for its answer. */
function command(message: object, answer: 'ready' | 'report'): Promise<AttackReport> {
  return new Promise((resolve) => {
    const listen = (reply: { ready?: true; report?: AttackReport }) => {
      if (!(answer in reply)) return;
      target.attacker.off('message', listen);
      resolve(reply.report!);
    };
    target.attacker.on('message', listen);
    target.attacker.send(message);
  });
}

/** The normal client and the writers for SECONDS, while the attacker (if any) attacks. */
async function phase(attack?: Attack): Promise<Phase> {
  if (attack) await command({ start: attack }, 'ready');
  const result: Phase = {
    latencies: [],
    failures: new Map(),
    values: 0,
    seconds: 0,
    attack: undefined,
    cpu: { eventLoop: 0, background: 0, other: 0, load: 0, attacker: 0, waiting: 0 },
    walMiB: 0,
  };
  const serverCpuBefore = cpuSecondsByThread(target.server.pid);
  const loadCpuBefore = process.cpuUsage();
  const attackerCpuBefore = cpuSeconds(target.attacker.pid!);
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const running = () => performance.now() < end;
  const ingestBucket = ingestBuckets[target.phasesRun++]!;
  const fail = (status: number) =>
    result.failures.set(status, (result.failures.get(status) ?? 0) + 1);
  const ingest = Promise.all(
    ingestKeys.map(async (ingestKey) => {
      while (running()) {
        const batch = Array.from({ length: 100 }, () => `{"k":${++clock},"d":${TEN_VALUES}}`);
        const status = await postRecordsText(
          writersAgent,
          url,
          ingestBucket.id,
          ingestKey,
          `[${batch.join(',')}]`,
        );
        if (status !== 200) fail(status);
        else if (running()) result.values += 1_000;
      }
    }),
  );
  const normalRead = `${url}/api/buckets/${normalBucket.id}/downsample?points=100`;
  while (running()) {
    const roundStarted = performance.now();
    for (const request of [
      () => post(normalBucket.id, normalKey, [{ k: ++clock, d: [{ sk: 1, v: 1 }] }]),
      () => fetch(normalRead, { headers: { 'x-api-key': normalKey } }),
    ]) {
      const t0 = performance.now();
      const response = await request();
      await response.arrayBuffer();
      result.latencies.push(performance.now() - t0);
      if (!response.ok) fail(response.status);
    }
    // A normal client stays inside its key's read rate (1,200 a minute): one round per 60 ms.
    const rest = NORMAL_ROUND_MS - (performance.now() - roundStarted);
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  }
  await ingest;
  result.seconds = (performance.now() - started) / 1000;
  const serverCpu = cpuSecondsByThread(target.server.pid);
  const loadCpu = process.cpuUsage(loadCpuBefore);
  const attackerCpu = cpuSeconds(target.attacker.pid!) - attackerCpuBefore;
  if (attack) result.attack = await command({ stop: true }, 'report');
  result.cpu = {
    eventLoop: (serverCpu.eventLoop - serverCpuBefore.eventLoop) / result.seconds,
    background: (serverCpu.background - serverCpuBefore.background) / result.seconds,
    other: (serverCpu.other - serverCpuBefore.other) / result.seconds,
    load: (loadCpu.user + loadCpu.system) / 1e6 / result.seconds,
    attacker: attackerCpu / result.seconds,
    waiting: (serverCpu.eventLoopWaiting - serverCpuBefore.eventLoopWaiting) / result.seconds,
  };
  try {
    result.walMiB = statSync(`${target.databasePath}-wal`).size / 2 ** 20;
  } catch {
    // no WAL file at this moment
  }
  return result;
}

const heavyReads = () =>
  phase({
    kind: 'reads',
    url,
    keys: readerKeys,
    reads: [
      `/api/buckets/${heavy.id}/downsample?points=5000`,
      `/api/buckets/${heavy.id}?limit=10000`,
    ],
  });

/**
 * 128 views: each account's two sessions open 16 views each of its dashboard, accounts 1 and 3
 * from 127.0.0.2, 2 and 4 from 127.0.0.3 (Linux routes 127.0.0.0/8 to the loopback), so
 * every cap is reached and none exceeded: 16 per session, 32 per user, 64 per address and
 * per dashboard.
 */
const liveViews = (writesOnly = false) =>
  phase({
    kind: 'views',
    url,
    views: writesOnly
      ? []
      : target.viewerCookies.flatMap((sessions, account) =>
          sessions.flatMap((cookie) =>
            Array.from({ length: 16 }, () => ({
              dashboardId: liveDashboards[account >> 1]!.id,
              cookie,
              localAddress: `127.0.0.${2 + (account % 2)}`,
            })),
          ),
        ),
    writes: liveBuckets.map((bucket) => ({
      bucketId: bucket.id,
      key: liveKeys[liveDashboards.findIndex((d) => d.id === bucket.dashboardId)]!,
    })),
    writeGapMs: WRITE_GAP_MS,
  });

const READS_PHASE = 'five heaviest readers';
const WRITES_PHASE = "the attacker's writes alone";
const VIEWS_PHASE = '128 live views, 50 buckets written';
/** A turn's phase: its label, without and with the attacker, and what it is pooled under. */
const rows: [string, Phase, Phase, { target: string; phase: string }][] = [];
/**
 * A phase without the attacker on each server first, not counted: the first turn's phase
 * without ran on a server not yet warmed up (0.9-1.1 M values/s against 1.3-1.8 M in later
 * turns), which made that turn's ratios, and the pooled ones, look better than they were.
 */
for (const each of targets) {
  target = each;
  url = each.url;
  await phase();
}
for (let turn = 1; turn <= TURNS; turn++) {
  for (const each of targets) {
    target = each;
    url = each.url;
    const label = targets.length > 1 ? `${each.name}, turn ${turn}` : `turn ${turn}`;
    const run = async (name: string, attack: () => Promise<Phase>) => {
      const base = await phase();
      rows.push([`${label}: ${name}`, base, await attack(), { target: each.name, phase: name }]);
    };
    if (PHASES.includes('reads')) await run(READS_PHASE, heavyReads);
    if (PHASES.includes('writes')) await run(WRITES_PHASE, () => liveViews(true));
    if (PHASES.includes('views')) await run(VIEWS_PHASE, () => liveViews());
  }
}

const ms = (values: number[], p: number) => percentile(values, p).toFixed(1);
const rate = (p: Phase) => p.values / p.seconds;
const failed = (p: Phase) =>
  p.failures.size === 0
    ? '0'
    : [...p.failures].map(([status, count]) => `${count} × ${status}`).join(', ');
const cpu = ({ cpu: c }: Phase) =>
  `${c.eventLoop.toFixed(2)} / ${c.background.toFixed(2)} / ${c.other.toFixed(2)} / ${c.load.toFixed(2)} / ${c.attacker.toFixed(2)} (${c.waiting.toFixed(2)})`;
/**
 * The event loop's CPU with the attacker less what the same ingestion cost it without: what
 * the attack itself cost the loop, in cores. Steadier than the ratios on a busy machine (CPU
 * time is work done, whatever share of the cores the server got); approximate, as it takes
 * the loop's work without the attacker to scale with the values ingested.
 */
const attackCost = (without: Phase, withLoad: Phase) =>
  withLoad.cpu.eventLoop - (without.cpu.eventLoop * rate(withLoad)) / rate(without);
/** What the attacker achieved: heavy reads, or views open (of asked, refusals), events and writes. */
const attacked = ({ attack: a, seconds }: Phase) => {
  if (!a) return '';
  if (a.viewsAsked === 0 && a.writes === 0) return `${a.heavyReads} heavy reads`;
  const refused = Object.entries(a.viewsRefused)
    .map(([why, count]) => `${count} ${why}`)
    .join(', ');
  const perView = a.viewsOpen ? (a.events / a.viewsOpen / seconds).toFixed(1) : '0';
  // Below 90 % of its pace the attacker was starved of CPU: the phase understates the attack.
  const pace = a.writes / seconds / ((liveBuckets.length * 1000) / WRITE_GAP_MS);
  const starved = pace < 0.9 ? ` (STARVED: ${(pace * 100).toFixed(0)} % of its pace)` : '';
  return `${a.viewsOpen} of ${a.viewsAsked} views open${refused ? ` (${refused})` : ''}, ${perView} events/s each, ${(a.events / seconds).toFixed(0)} in all; ${(a.writes / seconds).toFixed(0)} writes/s${starved}`;
};
console.log(
  `\nreads under load, ${RECORDS.toLocaleString('en')} records × ${SERIES} series, ${SECONDS} s per phase, load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  '| phase | p50 ms without / with | p95 ms without / with | p95 ratio | ingested values/s without / with | ingestion ratio | failed without / with | the attacker |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const [name, without, withLoad] of rows) {
  const p95Ratio = percentile(withLoad.latencies, 95) / percentile(without.latencies, 95);
  console.log(
    `| ${name} | ${ms(without.latencies, 50)} / ${ms(withLoad.latencies, 50)} | ${ms(without.latencies, 95)} / ${ms(withLoad.latencies, 95)} | ${p95Ratio.toFixed(2)} × | ${rate(without).toFixed(0)} / ${rate(withLoad).toFixed(0)} | ${(rate(withLoad) / rate(without)).toFixed(2)} × | ${failed(without)} / ${failed(withLoad)} | ${attacked(withLoad)} |`,
  );
}
// Each phase over all turns: the latencies pooled, values over seconds.
const pooledName = (of: { target: string; phase: string }) =>
  targets.length > 1 ? `${of.target}: ${of.phase}` : of.phase;
const pooled = new Map<string, { of: (typeof rows)[number][3]; without: Phase[]; with: Phase[] }>();
for (const [, without, withLoad, of] of rows) {
  const entry = pooled.get(pooledName(of)) ?? { of, without: [], with: [] };
  entry.without.push(without);
  entry.with.push(withLoad);
  pooled.set(pooledName(of), entry);
}
console.log(
  '\nover all turns: p95 ratio with its 95 % bootstrap interval (goal ≤ 1.5), ingestion ratio (goal ≥ 0.9)',
);
const latencies = (phases: Phase[]) => phases.flatMap((p) => p.latencies);
for (const [name, { of, without, with: withLoad }] of pooled) {
  const { ratio } = comparePercentiles(latencies(without), latencies(withLoad), 95);
  console.log(
    `${name}: p95 ${ratio.value.toFixed(2)} × (${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)}), ingestion ${(valuesPerSecondOver(withLoad) / valuesPerSecondOver(without)).toFixed(2)} ×`,
  );
  // The views' own cost: against the attacker's same writes without views, when measured.
  const writesAlone = pooled.get(pooledName({ ...of, phase: WRITES_PHASE }))?.with;
  if (of.phase === VIEWS_PHASE && writesAlone !== undefined) {
    const views = comparePercentiles(latencies(writesAlone), latencies(withLoad), 95).ratio;
    console.log(
      `${name}, against the attacker's writes alone: p95 ${views.value.toFixed(2)} × (${views.low.toFixed(2)}–${views.high.toFixed(2)}), ingestion ${(valuesPerSecondOver(withLoad) / valuesPerSecondOver(writesAlone)).toFixed(2)} ×`,
    );
  }
}
console.log(
  "\nCPU cores busy (CPU s per s): server event loop / reader threads / other server threads / normal client and writers / attacker at nice 19 (and s per s the event loop waited for a core); the attack's cost to the event loop; WAL at the end",
);
console.log('| phase | without | with | attack, event loop cores | WAL MiB without / with |');
console.log('| --- | --- | --- | ---: | ---: |');
for (const [name, without, withLoad] of rows) {
  console.log(
    `| ${name} | ${cpu(without)} | ${cpu(withLoad)} | ${attackCost(without, withLoad).toFixed(2)} | ${without.walMiB.toFixed(1)} / ${withLoad.walMiB.toFixed(1)} |`,
  );
}

for (const each of targets) each.attacker.kill();
await Promise.all(targets.map((each) => each.server.stop()));
rmSync(dir, { recursive: true, force: true });
process.exit(0);
