import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { canPin, type ServerProcess } from './harness.ts';

/**
 * The peers `pnpm bench` compares with, when their Debian packages are installed
 * (`apt-get install victoria-metrics influxdb`): each runs as this benchmark's own process,
 * pinned to core 0 like the Bucketgrid server, listening on 127.0.0.1 on a free port, with its
 * data in the benchmark's temporary directory; never as a system service.
 *
 * What each promises when it answers a write: VictoriaMetrics buffers samples in memory and
 * writes them to disk within about a second, without fsync per request (a crash loses the
 * last seconds); InfluxDB 1.x appends each write to its WAL and fsyncs it before answering
 * (`wal-fsync-delay = "0s"`, its default); Bucketgrid commits and fsyncs before its 200.
 */

/** One record of the benchmark: its key (ms) and its four values. */
export interface BenchRecord {
  key: number;
  values: [number, number, number, number];
}

export interface PeerTarget extends ServerProcess {
  name: string;
  /** The path a batch is written to (one series set per batch size, as a bucket per batch). */
  path(batch: number): string;
  contentType: string;
  body(batch: number, records: BenchRecord[]): string;
  /** Values it holds for the batch size's series set (its own count, not what was sent). */
  storedValues(batch: number, lastKey: number): Promise<number>;
  /**
   * Stops it (gracefully: it writes out what it holds in memory) and measures the bytes its
   * data takes on disk, as the Bucketgrid figure is taken after its server stopped.
   */
  stopAndMeasure(): Promise<number>;
}

export const PEERS = {
  'victoria-metrics': { binary: '/usr/bin/victoria-metrics', start: startVictoriaMetrics },
  influxdb: { binary: '/usr/bin/influxd', start: startInfluxDb },
} as const;

export type PeerName = keyof typeof PEERS;

/** Bytes allocated on disk (blocks, as `du` counts them) by the files under `path`. */
export function diskBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.blocks * 512;
  let total = 0;
  for (const entry of readdirSync(path)) total += diskBytes(join(path, entry));
  return total;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Runs `binary` on core 0 and waits until `ready` answers 2xx (at most 30 s). */
async function launch(
  name: string,
  binary: string,
  args: string[],
  url: string,
  ready: string,
): Promise<ServerProcess> {
  const child = spawn(canPin ? 'taskset' : binary, canPin ? ['-c', '0', binary, ...args] : args, {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const up = await fetch(`${url}${ready}`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not start within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { process: child, url, pid: child.pid!, stop };
}

/** VictoriaMetrics single-node: `/api/v1/import`, one JSON line per series and request. */
async function startVictoriaMetrics(binary: string, dir: string): Promise<PeerTarget> {
  const data = join(dir, 'victoria-metrics');
  const url = `http://127.0.0.1:${await freePort()}`;
  const server = await launch(
    'victoria-metrics',
    binary,
    [
      `-storageDataPath=${data}`,
      `-httpListenAddr=${url.slice('http://'.length)}`,
      // The benchmark's keys start in 2024: the default retention (a month) would drop them.
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      '-search.disableCache',
    ],
    url,
    '/health',
  );
  return {
    ...server,
    name: 'victoria-metrics',
    path: () => '/api/v1/import',
    contentType: 'application/json',
    body(batch, records) {
      const timestamps = JSON.stringify(records.map((r) => r.key));
      let body = '';
      for (let s = 0; s < 4; s++) {
        const values = JSON.stringify(records.map((r) => r.values[s]));
        body += `{"metric":{"__name__":"s${s + 1}","bucket":"batch${batch}"},"values":${values},"timestamps":${timestamps}}\n`;
      }
      return body;
    },
    async storedValues(batch, lastKey) {
      // Far longer windows (100y) answer nothing in this version.
      const query = `sum(count_over_time({bucket="batch${batch}"}[30d]))`;
      const params = new URLSearchParams({ query, time: String(lastKey / 1000 + 1), nocache: '1' });
      const response = await fetch(`${url}/api/v1/query?${params}`);
      const json = (await response.json()) as { data: { result: { value: [number, string] }[] } };
      return Number(json.data.result[0]?.value[1] ?? 0);
    },
    async stopAndMeasure() {
      await fetch(`${url}/internal/force_flush`);
      await server.stop();
      return diskBytes(data);
    },
  };
}

/** InfluxDB 1.x: `/write` in line protocol, one line (four fields) per record. */
async function startInfluxDb(binary: string, dir: string): Promise<PeerTarget> {
  const root = join(dir, 'influxdb');
  mkdirSync(root, { recursive: true });
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const config = join(root, 'influxdb.conf');
  writeFileSync(
    config,
    [
      'reporting-enabled = false',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(root, 'meta')}"`,
      '[data]',
      `  dir = "${join(root, 'data')}"`,
      `  wal-dir = "${join(root, 'wal')}"`,
      '  wal-fsync-delay = "0s"',
      '  query-log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  const server = await launch('influxdb', binary, ['-config', config], url, '/ping');
  const created = await fetch(`${url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q: 'CREATE DATABASE bench' }),
  });
  if (!created.ok) {
    await server.stop();
    throw new Error(`influxdb: CREATE DATABASE answered ${created.status}`);
  }
  return {
    ...server,
    name: 'influxdb',
    path: () => '/write?db=bench&precision=ms',
    contentType: 'text/plain',
    body(batch, records) {
      let body = '';
      for (const { key, values } of records) {
        body += `batch${batch} s1=${values[0]},s2=${values[1]},s3=${values[2]},s4=${values[3]} ${key}\n`;
      }
      return body;
    },
    async storedValues(batch) {
      const params = new URLSearchParams({ db: 'bench', q: `SELECT count(*) FROM batch${batch}` });
      const response = await fetch(`${url}/query?${params}`);
      const json = (await response.json()) as {
        results: { series?: { values: number[][] }[] }[];
      };
      const row = json.results[0]?.series?.[0]?.values[0] ?? [];
      return row.slice(1).reduce((sum, n) => sum + n, 0);
    },
    async stopAndMeasure() {
      await server.stop();
      return diskBytes(join(root, 'data')) + diskBytes(join(root, 'wal'));
    },
  };
}

/** Starts the named peer, or says why it is skipped (its binary is not installed). */
export async function startPeer(name: PeerName, dir: string): Promise<PeerTarget | undefined> {
  const { binary, start } = PEERS[name];
  if (!existsSync(binary)) {
    console.log(`${name}: skipped, ${binary} not found (apt-get install ${name})`);
    return undefined;
  }
  return start(binary, dir);
}
