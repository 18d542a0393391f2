import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  addMember,
  createApiKey,
  createBucket,
  createDashboard,
  createUser,
} from '@bucketgrid/services';
import type { Store } from '@bucketgrid/store';

/**
 * What the benchmark scripts share: the server runs as its own process pinned to core 0, the
 * script (the load) to core 1, when `taskset` and two cores exist; figures are read from
 * /proc, so they are the server's own.
 */

const serverDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * A REST write through node:http on a kept-alive agent; resolves with the status (0 when the
 * connection failed). It costs the load far less CPU per request than fetch, so that on these
 * two cores a writer takes less from the server it measures.
 */
export function postRecordsText(
  agent: Agent,
  url: string,
  bucketId: string,
  key: string,
  body: string,
): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `${url}/api/buckets/${bucketId}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-api-key': key,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

export const canPin =
  process.env.BENCH_PINNED === '1' ||
  (cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0);

/** Re-runs the calling script under `taskset -c 1` (once), so the load has a core of its own. */
export function pinToCoreOne(script: string): void {
  if (!canPin || process.env.BENCH_PINNED === '1') return;
  const self = [process.execPath, ...process.execArgv, fileURLToPath(script)];
  const run = spawnSync('taskset', ['-c', '1', ...self], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  });
  process.exit(run.status ?? 1);
}

export interface ServerProcess {
  process: ChildProcess;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The server package to run (another checkout's `apps/server`): this one by default. */
  cwd?: string;
  /** Node options before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** The script, relative to `cwd`: `src/main.ts` by default. */
  script?: string;
  /**
   * Pin the server to core 0 (default: when it can). Off for a server whose own threads
   * (SQLite reader threads) must run beside its event loop, as they do in production.
   */
  pin?: boolean;
  /**
   * Start the server in a session of its own: where the kernel groups processes by session
   * (`sched_autogroup`), its own scheduling group, so that its nice 19 reader threads yield
   * only to its own event loop, as in a deployment, not to the bench's load at nice 0.
   */
  ownSession?: boolean;
}

const running = new Set<ServerProcess>();

/** Stops every server this process started (on the way out, and on Ctrl-C). */
export function stopAll(): Promise<void> {
  return Promise.all([...running].map((server) => server.stop())).then(() => undefined);
}

/**
 * Starts the real server (or another script that logs {"message":"listening","url"}) on
 * core 0 and waits until it listens.
 */
export function startServerProcess(
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<ServerProcess> {
  const node = [
    process.execPath,
    ...(options.nodeArgs ?? []),
    '--import',
    'tsx',
    options.script ?? 'src/main.ts',
  ];
  // Unpinned means every core: a child inherits its parent's affinity, and a bench that pinned
  // itself to core 1 (pinToCoreOne) would otherwise run its "unpinned" server on core 1 too.
  // bench:share did: its server, writers and viewers shared one core, the other stood idle.
  const cores = (options.pin ?? true) ? '0' : `0-${cpus().length - 1}`;
  const child = spawn(
    canPin ? 'taskset' : node[0]!,
    canPin ? ['-c', cores, ...node] : node.slice(1),
    {
      cwd: options.cwd ?? serverDir,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: options.ownSession ?? false,
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`${node.slice(1).join(' ')} exited with ${code}`)),
    );
    // Keep reading stdout for the whole run, so the server never blocks on a full pipe.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { message: string; level?: string; url?: string };
      if (entry.message === 'listening') {
        const server: ServerProcess = {
          process: child,
          url: entry.url!,
          pid: child.pid!,
          stop: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        };
        running.add(server);
        void exited.then(() => running.delete(server));
        if (options.ownSession) stopWithThisProcess(child);
        resolve(server);
      } else if (entry.level === 'error') console.error(line);
    });
  });
}

/**
 * A server in a session of its own gets no signal from the terminal (Ctrl-C): it is killed
 * when this process exits, and a signal to this process makes it exit, so that a run that
 * fails or is stopped half-way never leaves its server behind.
 */
function stopWithThisProcess(child: ChildProcess): void {
  process.once('exit', () => child.kill());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(1));
  }
}

/** Whether the process has exited (e.g. crashed during a run). */
export function hasExited(server: ServerProcess): boolean {
  return server.process.exitCode !== null || server.process.signalCode !== null;
}

/** CPU seconds the process has used (all threads): steadier than wall time on a busy machine. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds of the process's threads by kind, from /proc/PID/task: the main thread (the
 * event loop), threads at a lowered priority (the store's reader and backup threads, see
 * background-thread.ts), and the rest (libuv's pool with its WAL syncs, V8's GC helpers);
 * and the seconds the event loop was ready to run but waited for a core (schedstat). Threads
 * that ended take their seconds with them.
 */
export function cpuSecondsByThread(pid: number): {
  eventLoop: number;
  background: number;
  other: number;
  eventLoopWaiting: number;
} {
  const totals = { eventLoop: 0, background: 0, other: 0, eventLoopWaiting: 0 };
  try {
    const schedstat = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ');
    totals.eventLoopWaiting = Number(schedstat[1]) / 1e9;
  } catch {
    // no schedstat here (a kernel without it): left at 0
  }
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return totals;
  }
  for (const tid of tasks) {
    let fields: string[];
    try {
      fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    } catch {
      continue; // the thread ended meanwhile
    }
    const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
    const nice = Number(fields[16]);
    if (Number(tid) === pid) totals.eventLoop += seconds;
    else if (nice > 0) totals.background += seconds;
    else totals.other += seconds;
  }
  return totals;
}

/** Resident memory now, in MiB. */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** Peak resident memory (VmHWM, a high-water mark: no polling needed), in MiB. */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Starts a new peak for peakRssMiB (Linux: clear_refs 5), so each run reports its own. */
export function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not supported here: the figure is then the peak since the process started.
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * How the `p`th percentile of `after` compares with that of `before` (their difference and
 * their ratio), each with a 95 % bootstrap interval: both samples drawn again with
 * replacement, 2,000 times. An interval of the difference that holds 0 means these samples
 * cannot tell the two apart. Latencies close in time are not independent (one stall slows
 * several), so the intervals are if anything too narrow: they err toward reporting a
 * difference, never toward hiding one.
 */
export function comparePercentiles(before: number[], after: number[], p: number) {
  const redrawn = (values: number[]) =>
    percentile(
      Array.from(values, () => values[Math.floor(Math.random() * values.length)]!),
      p,
    );
  const differences: number[] = [];
  const ratios: number[] = [];
  for (let draw = 0; draw < 2_000; draw++) {
    const [b, a] = [redrawn(before), redrawn(after)];
    differences.push(a - b);
    ratios.push(a / b);
  }
  const interval = (value: number, draws: number[]) => ({
    value,
    low: percentile(draws, 2.5),
    high: percentile(draws, 97.5),
  });
  const [b, a] = [percentile(before, p), percentile(after, p)];
  return { difference: interval(a - b, differences), ratio: interval(a / b, ratios) };
}

/** Values ingested over all the phases' seconds: steadier than any one phase's rate. */
export function valuesPerSecondOver(phases: { values: number; seconds: number }[]): number {
  return (
    phases.reduce((sum, p) => sum + p.values, 0) / phases.reduce((sum, p) => sum + p.seconds, 0)
  );
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Signs in over tRPC as the web app does; returns the session's cookies. */
export async function signIn(
  url: string,
  email: string,
  password: string,
): Promise<Map<string, string>> {
  const response = await fetch(`${url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  const jar = new Map<string, string>();
  for (const cookie of response.headers.getSetCookie()) {
    const [name, value] = cookie.split(';')[0]!.split('=') as [string, string];
    jar.set(name, value);
  }
  return jar;
}

/**
 * The admin CLI of a checkout (`root`) on a database, each call's JSON answer parsed: a
 * benchmark provisions with the measured checkout's own CLI, so any checkout can be measured.
 */
export function cliOf(root: string, databaseUrl: string) {
  return (...args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: databaseUrl },
      }).toString(),
    ) as Record<string, string>;
}

/**
 * A dashboard of `buckets` TSV buckets shared by `accounts` new users (the first owns it, the
 * others are its users, all with `password`) and an API key of it, made through the services
 * as the app makes them: the live benches' busy dashboard.
 */
export async function sharedBusyDashboard(
  store: Store,
  options: { accounts: number; buckets: number; emailPrefix: string; password: string },
) {
  const users = [];
  for (let i = 0; i < options.accounts; i++) {
    const email = `${options.emailPrefix}${i}@example.com`;
    users.push(await createUser(store, { email, password: options.password, name: 'V' }));
  }
  const dashboard = await createDashboard(store, { ownerId: users[0]!.id, name: 'Plant' });
  for (const user of users.slice(1)) {
    await addMember(store, 'owner', { dashboardId: dashboard.id, email: user.email, role: 'user' });
  }
  const buckets = [];
  for (let i = 0; i < options.buckets; i++) {
    buckets.push(
      await createBucket(store, { dashboardId: dashboard.id, name: `b${i}`, type: 'TSV' }),
    );
  }
  const { key } = await createApiKey(
    store,
    { dashboardId: dashboard.id, name: 'k', type: 'production', createdBy: users[0]!.id },
    Date.now(),
  );
  return { users, dashboard, buckets, key };
}
