/**
 * `pnpm bench`: ingestion throughput of POST /api/buckets/:id on the real server process,
 * against the ceiling of a bare Express app that only parses the same JSON bodies, and
 * optionally against another checkout of Bucketgrid in the same run (BENCH_BASELINE=/path:
 * its server runs beside this one, on its own database, and the two take turns, BENCH_ROUNDS
 * times per batch size, so a busy machine slows both alike).
 *
 * The server (and the bare app) run pinned to core 0, this process (autocannon, the load) to
 * core 1. Every request carries new, increasing TSV timestamps, so every record is an insert.
 * Environment: BENCH_SECONDS (10) and BENCH_WARMUP_SECONDS (2) per run, BENCH_BATCHES
 * ("1,100,1000"), BENCH_CONNECTIONS (32), BENCH_RETENTION (1000000, the dashboard setting),
 * BENCH_TARGETS ("bare,bucketgrid,victoria-metrics,influxdb": the peers run when their Debian
 * packages are installed, see bench/peers.ts), BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof" to profile the server), BENCH_BASELINE (a checkout's root, e.g. a
 * `git worktree` of main), BENCH_BASELINE_NODE_ARGS (the baseline server's; default
 * BENCH_SERVER_NODE_ARGS: with BENCH_BASELINE set to this checkout, it measures a Node flag
 * against none), BENCH_ROUNDS (2 with a baseline, else 1), BENCH_LIVE_VIEWS (0; N adds
 * a turn per round with N live views of the written dashboard open, as N browser tabs would
 * hold, so their cost is measured against the same server without them), BENCH_BACKUP (0; 1 adds
 * a turn per round during which `cli backup` copies the server's database again and again, as
 * an operator's backup would while the server writes). Listens on 127.0.0.1 only;
 * the databases live in a temporary directory that is removed at the end. After the runs it
 * prints each target's bytes on disk per stored value.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openStore } from '@bucketgrid/store';
import autocannon from 'autocannon';
import { type LiveStream, openLive } from '../test/live-client.ts';
import {
  canPin,
  cliOf,
  cpuSeconds,
  hasExited,
  peakRssMiB,
  pinToCoreOne,
  resetPeak,
  type ServerProcess,
  signIn,
  startServerProcess,
  stopAll,
} from './harness.ts';
import {
  type BenchRecord,
  diskBytes,
  PEERS,
  type PeerName,
  type PeerTarget,
  startPeer,
} from './peers.ts';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const BATCHES = (env.BENCH_BATCHES ?? '1,100,1000').split(',').map(Number);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 32);
const RETENTION = Number(env.BENCH_RETENTION ?? 1_000_000);
const TARGETS = (env.BENCH_TARGETS ?? 'bare,bucketgrid,victoria-metrics,influxdb').split(',');
const BASELINE = env.BENCH_BASELINE ? resolve(env.BENCH_BASELINE) : undefined;
const ROUNDS = Number(env.BENCH_ROUNDS ?? (BASELINE ? 2 : 1));
const LIVE_VIEWS = Number(env.BENCH_LIVE_VIEWS ?? 0);
const BACKUP = env.BENCH_BACKUP === '1';
const SERIES = 4;
const EMAIL = 'bench@example.com';
const PASSWORD = 'correct horse battery staple';
const checkout = fileURLToPath(new URL('../../..', import.meta.url));

pinToCoreOne(import.meta.url);

/**
 * A user, a dashboard (retention RETENTION), one TSV bucket per batch size and a production
 * key, made by the checkout's own admin CLI on its own database: any checkout can be measured.
 */
function provision(root: string, databaseUrl: string) {
  const cli = cliOf(root, databaseUrl);
  cli('user', 'create', '--email', EMAIL, '--password', PASSWORD, '--name', 'Bench');
  const dashboard = cli(
    'dashboard',
    'create',
    '--owner',
    EMAIL,
    '--name',
    'Bench',
    '--retention',
    String(RETENTION),
  );
  const buckets = new Map<number, string>();
  for (const batch of BATCHES) {
    const bucket = cli(
      'bucket',
      'create',
      '--dashboard',
      dashboard.id!,
      '--name',
      `batch ${batch}`,
      '--type',
      'TSV',
    );
    buckets.set(batch, bucket.id!);
  }
  const { key } = cli(
    'key',
    'create',
    '--dashboard',
    dashboard.id!,
    '--name',
    'bench',
    '--type',
    'production',
  );
  return { buckets, key: key!, dashboardId: dashboard.id! };
}

// Records: 4 series each, keys one millisecond apart and never reused; every target gets the
// same records, each in its own format (Bucketgrid: minified JSON).
let nextKey = Date.UTC(2024, 0, 1);
function makeRecords(batch: number): BenchRecord[] {
  return Array.from({ length: batch }, () => {
    const key = nextKey++;
    const v = (key % 9973) / 4;
    return { key, values: [v, v + 0.5, -v, key % 100] };
  });
}

function bucketgridBody(records: BenchRecord[]): string {
  let body = '[';
  for (const [i, { key, values }] of records.entries()) {
    body += `${i === 0 ? '' : ','}{"k":${key},"d":[{"sk":1,"v":${values[0]}},{"sk":2,"v":${values[1]}},{"sk":3,"v":${values[2]}},{"sk":4,"v":${values[3]}}]}`;
  }
  return `${body}]`;
}

/** Where a measured run writes: its path, headers and body format. */
interface Writes {
  path: string;
  headers: Record<string, string>;
  body: (records: BenchRecord[]) => string;
}

const bucketgridWrites = (path: string, key: string): Writes => ({
  path,
  headers: { 'content-type': 'application/json', 'x-api-key': key },
  body: bucketgridBody,
});

const peerWrites = (peer: PeerTarget, batch: number): Writes => ({
  path: peer.path(batch),
  headers: { 'content-type': peer.contentType },
  body: (records) => peer.body(batch, records),
});

interface Row {
  target: string;
  batch: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  ok: number;
  rssMiB: number;
  cpuMicrosPerRequest: number;
}

async function load(target: ServerProcess, writes: Writes, batch: number, seconds: number) {
  return autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: writes.path,
        headers: writes.headers,
        setupRequest: (request) => ({ ...request, body: writes.body(makeRecords(batch)) }),
      },
    ],
  });
}

async function measure(name: string, target: ServerProcess, writes: Writes, batch: number) {
  const { pid } = target;
  if (WARMUP_SECONDS > 0) await load(target, writes, batch, WARMUP_SECONDS);
  resetPeak(pid);
  const cpuBefore = cpuSeconds(pid);
  const result = await load(target, writes, batch, SECONDS);
  if (hasExited(target)) {
    throw new Error(`${name} exited during the run`);
  }
  const row: Row = {
    target: name,
    batch,
    requestsPerSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ok: result['2xx'],
    rssMiB: peakRssMiB(pid),
    cpuMicrosPerRequest: ((cpuSeconds(pid) - cpuBefore) * 1e6) / result['2xx'],
  };
  return row;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printTable(batch: number, rows: Row[]): void {
  console.log(
    `\nbatch ${batch} record(s) x ${SERIES} series, ${CONNECTIONS} connections, ${SECONDS} s`,
  );
  const header = ['target', 'req/s', 'records/s', 'values/s', 'p50 ms', 'p99 ms', 'non-2xx'];
  header.push('peak RSS', 'CPU µs/req'); // the server's, over the measured run
  const lines = rows.map((r) => [
    r.target,
    fmt(r.requestsPerSecond),
    fmt(r.requestsPerSecond * batch),
    fmt(r.requestsPerSecond * batch * SERIES),
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    String(r.non2xx + r.errors),
    `${fmt(r.rssMiB)} MiB`,
    fmt(r.cpuMicrosPerRequest),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  for (const line of [header, ...lines]) {
    console.log(
      line
        .map((cell, i) => (i === 0 ? cell.padEnd : cell.padStart).call(cell, widths[i]!))
        .join('  '),
    );
  }
  const mean = (target: string) => {
    const runs = rows.filter((r) => r.target === target);
    if (runs.length === 0) return undefined;
    const avg = (f: (r: Row) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
    return { rps: avg((r) => r.requestsPerSecond), cpu: avg((r) => r.cpuMicrosPerRequest) };
  };
  const [bare, baseline, ours, live, backingUp] = [
    'bare express',
    'baseline',
    'bucketgrid',
    `with ${LIVE_VIEWS} live views`,
    'during backups',
  ].map(mean);
  if (backingUp && ours) {
    console.log(
      `during backups / without: ${fmt(backingUp.rps / ours.rps, 3)} (req/s, mean of ${ROUNDS}), ${fmt(backingUp.cpu / ours.cpu, 3)} (CPU µs/req)`,
    );
  }
  if (bare && ours)
    console.log(`bucketgrid / bare express: ${fmt(ours.rps / bare.rps, 2)} (req/s)`);
  for (const peer of Object.keys(PEERS)) {
    const theirs = mean(peer);
    const p99 = (target: string) => rows.filter((r) => r.target === target).map((r) => r.p99);
    if (!theirs || !ours) continue;
    const ratio = (a: number[], b: number[]) => Math.max(...a) / Math.max(...b);
    console.log(
      `bucketgrid / ${peer}: ${fmt(ours.rps / theirs.rps, 2)} (values/s), ${fmt(ratio(p99('bucketgrid'), p99(peer)), 2)} (p99, worst run of each), ${fmt(ours.cpu / theirs.cpu, 2)} (CPU µs/req)`,
    );
  }
  if (live && ours) {
    console.log(
      `with ${LIVE_VIEWS} live views / without: ${fmt(live.rps / ours.rps, 3)} (req/s, mean of ${ROUNDS}), ${fmt(live.cpu / ours.cpu, 3)} (CPU µs/req)`,
    );
  }
  if (baseline && ours) {
    console.log(
      `bucketgrid / baseline: ${fmt(ours.rps / baseline.rps, 3)} (req/s, mean of ${ROUNDS}), ${fmt(ours.cpu / baseline.cpu, 3)} (CPU µs/req)`,
    );
  }
}

/** One `cli backup` of the database, as an operator runs it (its own process). */
async function backupOnce(databaseUrl: string, out: string): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'apps/cli/src/main.ts', 'backup', '--out', out],
    { cwd: checkout, env: { ...process.env, DATABASE_URL: databaseUrl } },
  );
}

/** LIVE_VIEWS live views of the dashboard (one signed-in session), each past its first event. */
async function openViews(server: ServerProcess, dashboardId: string): Promise<LiveStream[]> {
  const jar = await signIn(server.url, EMAIL, PASSWORD);
  const views = Array.from({ length: LIVE_VIEWS }, () =>
    openLive(server.url, 'dashboards.live', { dashboardId }, { jar }),
  );
  await Promise.all(views.map((view) => view.started));
  if (views.some((view) => view.isEnded)) throw new Error('a live view was refused');
  return views;
}

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-bench-'));
const peers: PeerTarget[] = [];
const cleanup = async () => {
  await Promise.all([stopAll(), ...peers.map((peer) => peer.stop())]);
  rmSync(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));

let failed = false;
try {
  const databaseUrl = `file:${join(dir, 'bench.db')}`;
  const { buckets, key, dashboardId } = provision(checkout, databaseUrl);
  const serverArgs = (env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const baselineArgs = (env.BENCH_BASELINE_NODE_ARGS ?? env.BENCH_SERVER_NODE_ARGS ?? '')
    .split(' ')
    .filter(Boolean);
  const serverEnv = { KEY_RATE_LIMIT_PER_MINUTE: String(1e12) };
  const bare = TARGETS.includes('bare')
    ? await startServerProcess({}, { script: 'bench/bare-express.ts' })
    : undefined;
  const server = TARGETS.includes('bucketgrid')
    ? await startServerProcess(
        { ...serverEnv, DATABASE_URL: databaseUrl },
        { nodeArgs: serverArgs },
      )
    : undefined;
  for (const name of Object.keys(PEERS) as PeerName[]) {
    if (!TARGETS.includes(name)) continue;
    const peer = await startPeer(name, dir);
    if (peer) peers.push(peer);
  }
  let baseline: (ServerProcess & ReturnType<typeof provision>) | undefined;
  if (BASELINE) {
    const baselineUrl = `file:${join(dir, 'baseline.db')}`;
    const provisioned = provision(BASELINE, baselineUrl);
    const child = await startServerProcess(
      { ...serverEnv, DATABASE_URL: baselineUrl },
      { cwd: join(BASELINE, 'apps/server'), nodeArgs: baselineArgs },
    );
    baseline = { ...child, ...provisioned };
  }
  console.log(
    `Node ${process.version}, ${cpus().length} cores, ${canPin ? 'servers pinned to core 0, load to core 1' : 'not pinned (taskset or a second core missing)'}; retention ${fmt(RETENTION)}; load average ${fmt(loadavg()[0]!, 2)}`,
  );
  if (BASELINE)
    console.log(`baseline: ${BASELINE} (${gitDescribe(BASELINE)}), this: ${gitDescribe(checkout)}`);

  const summary: Row[] = [];
  const written = new Map<number, number>();
  for (const batch of BATCHES) {
    const path = `/api/buckets/${buckets.get(batch)}`;
    const rows: Row[] = [];
    if (bare) rows.push(await measure('bare express', bare, bucketgridWrites(path, key), batch));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate who goes first, so a drift in the machine's load favours neither.
      const turns: (() => Promise<void>)[] = [];
      if (server) {
        turns.push(async () => {
          const before = nextKey;
          const row = await measure('bucketgrid', server, bucketgridWrites(path, key), batch);
          rows.push(row);
          // Every acknowledged record of every run (warm-up included) is a new key.
          written.set(batch, (written.get(batch) ?? 0) + nextKey - before);
          if (row.non2xx + row.errors > 0) failed = true;
        });
      }
      if (server && LIVE_VIEWS > 0) {
        turns.push(async () => {
          const before = nextKey;
          const views = await openViews(server, dashboardId);
          const row = await measure(
            `with ${LIVE_VIEWS} live views`,
            server,
            bucketgridWrites(path, key),
            batch,
          );
          for (const view of views) view.close();
          rows.push(row);
          written.set(batch, (written.get(batch) ?? 0) + nextKey - before);
          // A view that saw nothing measured nothing.
          if (views.some((view) => view.isEnded || view.data.length === 0)) {
            console.log('a live view ended or received no event during the run');
            failed = true;
          }
          if (row.non2xx + row.errors > 0) failed = true;
        });
      }
      if (server && BACKUP) {
        turns.push(async () => {
          const before = nextKey;
          let taken = 0;
          let measuring = true;
          const backups = (async () => {
            while (measuring) {
              await backupOnce(databaseUrl, join(dir, 'backup.db'));
              taken++;
            }
          })();
          const row = await measure('during backups', server, bucketgridWrites(path, key), batch);
          measuring = false;
          await backups;
          console.log(`${taken} backups of the database taken during the run`);
          rows.push(row);
          written.set(batch, (written.get(batch) ?? 0) + nextKey - before);
          if (row.non2xx + row.errors > 0 || taken === 0) failed = true;
        });
      }
      if (baseline) {
        const { buckets: theirs, key: theirKey } = baseline;
        turns.push(async () => {
          rows.push(
            await measure(
              'baseline',
              baseline,
              bucketgridWrites(`/api/buckets/${theirs.get(batch)}`, theirKey),
              batch,
            ),
          );
        });
      }
      for (const peer of peers) {
        turns.push(async () => {
          const row = await measure(peer.name, peer, peerWrites(peer, batch), batch);
          rows.push(row);
          if (row.non2xx + row.errors > 0) failed = true;
        });
      }
      if (round % 2 === 1) turns.reverse();
      for (const turn of turns) await turn();
    }
    printTable(batch, rows);
    summary.push(...rows);
  }

  const disk: string[] = [];
  for (const peer of peers) {
    let values = 0;
    for (const batch of BATCHES) values += await peer.storedValues(batch, nextKey);
    const bytes = await peer.stopAndMeasure();
    disk.push(
      `${peer.name}: ${fmt(bytes / values, 2)} (${fmt(bytes / 2 ** 20, 1)} MiB, ${fmt(values)} values)`,
    );
  }

  if (server) {
    await server.stop();
    // The database's files as the stopped server left them (closing checkpoints the WAL).
    const databaseBytes = () =>
      ['', '-wal', '-shm']
        .map((suffix) => join(dir, `bench.db${suffix}`))
        .filter((file) => existsSync(file))
        .reduce((sum, file) => sum + diskBytes(file), 0);
    const stopped = databaseBytes();
    // Sanity check on disk: every record was an insert, nothing acknowledged is missing.
    const check = await openStore(databaseUrl);
    const counts: string[] = [];
    let storedValues = 0;
    for (const batch of BATCHES) {
      const stored = (await check.getBucket(buckets.get(batch)!))!.recordCount;
      storedValues += stored * SERIES;
      const sent = written.get(batch)!;
      // Requests still in flight when a run stopped were sent but not all acknowledged.
      const unsure = 2 * CONNECTIONS * batch * ROUNDS;
      counts.push(`${fmt(stored)} of ${fmt(sent)} sent`);
      if (stored > Math.min(RETENTION, sent) || stored < Math.min(RETENTION, sent - unsure)) {
        console.log(`batch ${batch}: ${stored} records stored, ${sent} sent: MISMATCH`);
        failed = true;
      }
    }
    // Upkeep caught up (bounded: a store that never says it is done is reported as such).
    let steps = 0;
    while ((await check.maintain()).more && steps < 100_000) steps++;
    await check.close();
    const upkept = databaseBytes();
    console.log(`\nstored after the runs (retention ${fmt(RETENTION)}): ${counts.join('; ')}`);
    disk.unshift(
      `bucketgrid: ${fmt(stopped / storedValues, 2)} after the server stopped, ${fmt(upkept / storedValues, 2)} after upkeep (${steps} steps${steps === 100_000 ? ', not caught up' : ''}) and a checkpoint (${fmt(upkept / 2 ** 20, 1)} MiB, ${fmt(storedValues)} values)`,
    );
    const get = (batch: number) => {
      const runs = summary.filter((r) => r.target === 'bucketgrid' && r.batch === batch);
      if (runs.length === 0) return undefined;
      const mean = (f: (r: Row) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
      return { requestsPerSecond: mean((r) => r.requestsPerSecond), p99: mean((r) => r.p99) };
    };
    const ceiling = summary.find((r) => r.target === 'bare express' && r.batch === 1);
    const goals: [string, boolean | undefined][] = [
      [
        'batch 1 >= bare Express',
        ceiling && get(1) && get(1)!.requestsPerSecond >= ceiling.requestsPerSecond,
      ],
      ['batch 100 >= 1,000,000 values/s', get(100) && get(100)!.requestsPerSecond * 400 >= 1e6],
      [
        'batch 1000 >= 1,500,000 values/s',
        get(1000) && get(1000)!.requestsPerSecond * 4000 >= 1.5e6,
      ],
      ['batch 100 p99 < 50 ms', get(100) && get(100)!.p99 < 50],
    ];
    // Anything else running on the machine shows here (and in req/s; CPU µs/req is steadier).
    console.log(`load average at the end: ${fmt(loadavg()[0]!, 2)}`);
    for (const [goal, met] of goals) {
      if (met !== undefined) console.log(`${met ? 'met   ' : 'MISSED'}  ${goal}`);
    }
  }
  if (disk.length > 0) console.log(`\nbytes on disk per stored value:\n  ${disk.join('\n  ')}`);
  if (failed) console.log('\nFAILED: requests not answered 2xx, or records missing (see above)');
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);

/** The commit a checkout is at, for the record. */
function gitDescribe(root: string): string {
  try {
    return execFileSync('git', ['log', '-1', '--format=%h %s'], { cwd: root })
      .toString()
      .trim()
      .slice(0, 72);
  } catch {
    return 'not a git checkout';
  }
}
