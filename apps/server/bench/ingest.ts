/**
 * `pnpm bench`: ingestion throughput of POST /api/buckets/:id on the real server process,
 * against the ceiling of a bare Express app that only parses the same JSON bodies.
 *
 * The server (and the bare app) run pinned to core 0, this process (autocannon, the load) to
 * core 1. Every request carries new, increasing TSV timestamps, so every record is an insert.
 * Environment: BENCH_SECONDS (10) and BENCH_WARMUP_SECONDS (2) per run, BENCH_BATCHES
 * ("1,100,1000"), BENCH_CONNECTIONS (32), BENCH_RETENTION (1000000, the dashboard setting),
 * BENCH_TARGETS ("bare,bucketgrid"), BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof" to profile the server). Listens on 127.0.0.1 only; the database
 * lives in a temporary directory that is removed at the end.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createApiKey, createBucket, createDashboard, createUser } from '@bucketgrid/services';
import { openStore } from '@bucketgrid/store';
import autocannon from 'autocannon';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const BATCHES = (env.BENCH_BATCHES ?? '1,100,1000').split(',').map(Number);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 32);
const RETENTION = Number(env.BENCH_RETENTION ?? 1_000_000);
const TARGETS = (env.BENCH_TARGETS ?? 'bare,bucketgrid').split(',');
const SERIES = 4;
const serverDir = fileURLToPath(new URL('..', import.meta.url));

// Server on core 0, load generator on core 1: re-run this script under `taskset -c 1`.
const cores = cpus().length;
const canPin =
  env.BENCH_PINNED === '1' ||
  (cores >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0);
if (canPin && env.BENCH_PINNED !== '1') {
  const self = [process.execPath, ...process.execArgv, fileURLToPath(import.meta.url)];
  const run = spawnSync('taskset', ['-c', '1', ...self], {
    stdio: 'inherit',
    env: { ...env, BENCH_PINNED: '1' },
  });
  process.exit(run.status ?? 1);
}

interface Child {
  process: ChildProcess;
  url: string;
}

/** Starts `node <args>` (pinned to core 0) and waits for its {"message":"listening"} line. */
function startChild(args: string[], extraEnv: Record<string, string>): Promise<Child> {
  const node = [process.execPath, ...args];
  const child = spawn(canPin ? 'taskset' : node[0]!, canPin ? ['-c', '0', ...node] : args, {
    cwd: serverDir,
    env: { ...env, HOST: '127.0.0.1', PORT: '0', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    // Keep reading stdout for the whole run, so the child never blocks on a full pipe.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { message: string; level?: string; url?: string };
      if (entry.message === 'listening') resolve({ process: child, url: entry.url! });
      else if (entry.level === 'error') console.error(line);
    });
  });
}

const children = new Set<ChildProcess>();
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

/** Peak resident memory (VmHWM, a high-water mark, so no polling is needed), in MiB. */
function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Starts a new peak for peakRssMiB (Linux: clear_refs 5), so each run reports its own. */
function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not supported here: the figure is then the peak since the process started.
  }
}

/** CPU seconds the process has used (all threads): steadier than req/s on a busy machine. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// Bodies: minified records, 4 series each, keys one millisecond apart and never reused.
let nextKey = Date.UTC(2024, 0, 1);
function makeBody(batch: number): string {
  let body = '[';
  for (let i = 0; i < batch; i++) {
    const k = nextKey++;
    const v = (k % 9973) / 4;
    body += `${i === 0 ? '' : ','}{"k":${k},"d":[{"sk":1,"v":${v}},{"sk":2,"v":${v + 0.5}},{"sk":3,"v":${-v}},{"sk":4,"v":${k % 100}}]}`;
  }
  return `${body}]`;
}

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

async function load(target: Child, path: string, key: string, batch: number, seconds: number) {
  return autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        setupRequest: (request) => ({ ...request, body: makeBody(batch) }),
      },
    ],
  });
}

async function measure(name: string, target: Child, path: string, key: string, batch: number) {
  const pid = target.process.pid!;
  if (WARMUP_SECONDS > 0) await load(target, path, key, batch, WARMUP_SECONDS);
  resetPeak(pid);
  const cpuBefore = cpuSeconds(pid);
  const result = await load(target, path, key, batch, SECONDS);
  if (target.process.exitCode !== null || target.process.signalCode !== null) {
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
  const [bare, ours] = [rows.find((r) => r.target === 'bare express'), rows.at(-1)!];
  if (bare && ours !== bare) {
    console.log(
      `bucketgrid / bare express: ${fmt(ours.requestsPerSecond / bare.requestsPerSecond, 2)}`,
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-bench-'));
const cleanup = async () => {
  await Promise.all([...children].map(stopChild));
  rmSync(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));

let failed = false;
try {
  // Provision through the real services, on the file the server will open.
  const databaseUrl = `file:${join(dir, 'bench.db')}`;
  const store = await openStore(databaseUrl);
  const user = await createUser(store, {
    email: 'bench@example.com',
    password: 'correct horse battery staple',
    name: 'Bench',
  });
  const dashboard = await createDashboard(store, {
    ownerId: user.id,
    name: 'Bench',
    retention: RETENTION,
  });
  const buckets = new Map<number, string>();
  for (const batch of BATCHES) {
    const bucket = await createBucket(store, {
      dashboardId: dashboard.id,
      name: `batch ${batch}`,
      type: 'TSV',
    });
    buckets.set(batch, bucket.id);
  }
  const { key } = await createApiKey(
    store,
    { dashboardId: dashboard.id, name: 'bench', type: 'production', createdBy: user.id },
    Date.now(),
  );
  await store.close();

  const serverArgs = (env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const bare = TARGETS.includes('bare')
    ? await startChild(['--import', 'tsx', 'bench/bare-express.ts'], {})
    : undefined;
  const server = TARGETS.includes('bucketgrid')
    ? await startChild([...serverArgs, '--import', 'tsx', 'src/main.ts'], {
        DATABASE_URL: databaseUrl,
        KEY_RATE_LIMIT_PER_MINUTE: String(1e12),
      })
    : undefined;
  console.log(
    `Node ${process.version}, ${cores} cores, ${canPin ? 'server pinned to core 0, load to core 1' : 'not pinned (taskset or a second core missing)'}; retention ${fmt(RETENTION)}; load average ${fmt(loadavg()[0]!, 2)}`,
  );

  const summary: Row[] = [];
  const written = new Map<number, number>();
  for (const batch of BATCHES) {
    const path = `/api/buckets/${buckets.get(batch)}`;
    const rows: Row[] = [];
    if (bare) rows.push(await measure('bare express', bare, path, key, batch));
    if (server) {
      const before = nextKey;
      const row = await measure('bucketgrid', server, path, key, batch);
      rows.push(row);
      // Every acknowledged record of every run (warm-up included) is a new key.
      written.set(batch, nextKey - before);
      if (row.non2xx + row.errors > 0) failed = true;
    }
    printTable(batch, rows);
    summary.push(...rows);
  }

  if (server) {
    await stopChild(server.process);
    // Sanity check on disk: every record was an insert, nothing acknowledged is missing.
    const check = await openStore(databaseUrl);
    const counts: string[] = [];
    for (const batch of BATCHES) {
      const stored = (await check.getBucket(buckets.get(batch)!))!.recordCount;
      const sent = written.get(batch)!;
      // Requests still in flight when a run stopped were sent but not all acknowledged.
      const unsure = 2 * CONNECTIONS * batch;
      counts.push(`${fmt(stored)} of ${fmt(sent)} sent`);
      if (stored > Math.min(RETENTION, sent) || stored < Math.min(RETENTION, sent - unsure)) {
        console.log(`batch ${batch}: ${stored} records stored, ${sent} sent: MISMATCH`);
        failed = true;
      }
    }
    await check.close();
    console.log(`\nstored after the runs (retention ${fmt(RETENTION)}): ${counts.join('; ')}`);
    const get = (batch: number) =>
      summary.find((r) => r.target === 'bucketgrid' && r.batch === batch);
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
  if (failed) console.log('\nFAILED: requests not answered 2xx, or records missing (see above)');
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
