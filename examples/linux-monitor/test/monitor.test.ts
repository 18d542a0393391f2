import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@bucketgrid/server';
import { createApiKey, createBucket, createDashboard, createUser } from '@bucketgrid/services';
import { type Bucket, openStore, type Store } from '@bucketgrid/store';
import { expect, it } from 'vitest';
import {
  cpuPercent,
  netRates,
  parseCpuTimes,
  parseLoad,
  parseMemory,
  parseNetCounters,
} from '../src/proc.ts';

it('reads /proc figures from the files as Linux writes them', () => {
  const before = parseCpuTimes('cpu  100 0 50 800 10 0 0 0 0 0\ncpu0 1 2 3 4\n');
  const after = parseCpuTimes('cpu  160 10 70 880 30 5 5 0 0 0\n');
  expect(cpuPercent(before, after)).toEqual({
    user: 35,
    system: 15,
    iowait: 10,
    idle: 40,
    steal: 0,
  });
  expect(cpuPercent(after, after)).toBeUndefined();
  expect(parseLoad('0.52 0.58 0.59 1/467 12345\n')).toEqual([0.52, 0.58, 0.59]);
  expect(
    parseMemory(
      'MemTotal:  8192000 kB\nMemFree: 1000 kB\nMemAvailable:  4096000 kB\nBuffers: 1024 kB\n' +
        'Cached:  101376 kB\nSwapTotal: 2048 kB\nSwapFree: 1024 kB\nActive(anon): 5 kB\n',
    ),
  ).toEqual({ used: 4000, available: 4000, cached: 100, swapUsed: 1 });
  const header =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  const first = parseNetCounters(
    `${header}    lo: 999 9 0 0 0 0 0 0 999 9 0 0 0 0 0 0\n  eth0: 1000 10 0 0 0 0 0 0 500 5 0 0 0 0 0 0\n`,
  );
  const second = parseNetCounters(
    `${header}    lo: 5000 50 0 0 0 0 0 0 5000 50 0 0 0 0 0 0\n  eth0: 3000 30 0 0 0 0 0 0 900 9 0 0 0 0 0 0\n  wlan0: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n`,
  );
  expect(netRates(first, second, 2)).toEqual({
    rxBytes: 1050,
    rxPackets: 10.5,
    txBytes: 250,
    txPackets: 2.5,
  });
});

/** A real server with a dashboard of the four buckets and a key, for the monitor to send to. */
async function withServer(
  run: (env: Record<string, string>, buckets: Bucket[], store: Store) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-monitor-'));
  const store = await openStore(`file:${join(dir, 'test.db')}`);
  const server = await startServer({ store, logger: () => {}, port: 0, host: '127.0.0.1' });
  try {
    const user = await createUser(store, {
      email: 'monitor@example.com',
      password: 'correct horse battery',
      name: 'Monitor',
    });
    const dashboard = await createDashboard(store, { ownerId: user.id, name: 'This machine' });
    const names = ['CPU', 'Load', 'Memory', 'Network'] as const;
    const buckets = await Promise.all(
      names.map((name) => createBucket(store, { dashboardId: dashboard.id, name, type: 'TSV' })),
    );
    const { key } = await createApiKey(
      store,
      { dashboardId: dashboard.id, name: 'monitor', type: 'production', createdBy: user.id },
      Date.now(),
    );
    const env = {
      BUCKETGRID_URL: server.url,
      BUCKETGRID_API_KEY: key,
      BUCKETGRID_CPU_BUCKET: buckets[0]!.id,
      BUCKETGRID_LOAD_BUCKET: buckets[1]!.id,
      BUCKETGRID_MEMORY_BUCKET: buckets[2]!.id,
      BUCKETGRID_NETWORK_BUCKET: buckets[3]!.id,
      INTERVAL_SECONDS: '0.2',
    };
    await run(env, buckets, store);
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Output and exit of a child process. */
function watch(child: ReturnType<typeof spawn>) {
  const seen = { output: '' };
  child.stdout?.on('data', (chunk) => {
    seen.output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    seen.output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { seen, exited };
}

async function untilEachBucketHolds(store: Store, buckets: Bucket[], records: number) {
  const counts = async () =>
    Promise.all(buckets.map(async (b) => (await store.getBucket(b.id))?.recordCount ?? 0));
  await expect
    .poll(async () => Math.min(...(await counts())), { interval: 100, timeout: 60_000 })
    .toBeGreaterThanOrEqual(records);
}

it('sends this machine’s figures to four buckets until stopped, and sends the rest on SIGTERM', async () => {
  await withServer(async (env, buckets, store) => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const monitor = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, ...env },
    });
    const { seen, exited } = watch(monitor);

    // Three figures of each kind on the server, then stop it.
    await untilEachBucketHolds(store, buckets, 3);
    monitor.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(seen.output).toContain('Sending cpu, load, memory, network every 0.2 s');
    expect(seen.output).toContain('Stopped; every record was sent.');

    const latest = async (index: number) => {
      const { records } = await store.readRecords(buckets[index]!, {
        order: 'desc',
        limit: 1,
      });
      return records[0]!.values;
    };
    const cpu = await latest(0);
    const cpuSum = [1, 2, 3, 4, 5].reduce((sum, sk) => sum + (cpu[sk] ?? Number.NaN), 0);
    expect(cpuSum).toBeCloseTo(100, 0);
    expect(Object.keys(await latest(1))).toEqual(['1', '2', '3']);
    const memory = await latest(2);
    expect(memory[1]).toBeGreaterThan(0);
    expect(memory[2]).toBeGreaterThan(0);
    const network = await latest(3);
    expect(Object.values(network).every((v) => v !== null && v >= 0)).toBe(true);
  });
}, 120_000);

it('ends cleanly on Ctrl-C under pnpm start, which signals the monitor twice', async () => {
  await withServer(async (env, buckets, store) => {
    // As the README runs it; detached, so that it leads its own process group, as a terminal's
    // foreground job does: Ctrl-C is SIGINT to the whole group (pnpm and the monitor), and
    // pnpm passes its own on to the monitor as well.
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const pnpm = spawn('pnpm', ['start'], {
      cwd: packageDir,
      env: { ...process.env, ...env },
      detached: true,
    });
    const { seen, exited } = watch(pnpm);
    await untilEachBucketHolds(store, buckets, 2);
    process.kill(-pnpm.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(seen.output).toContain('Stopped; every record was sent.');
    expect(seen.output).not.toMatch(/ELIFECYCLE|Command failed|ERR_PNPM/);
  });
}, 120_000);
