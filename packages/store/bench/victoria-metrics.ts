/**
 * `pnpm --filter @bucketgrid/store bench:victoria-metrics`: the reads of bench/downsample.ts on
 * VictoriaMetrics (Debian's `victoria-metrics`, `apt-get install victoria-metrics`), a peer
 * for comparison: the same records (BENCH_RECORDS × 4 series, one every BENCH_SPACING_MS) as
 * samples, and per range the four figures (min, max, avg, last) of the four series through
 * `query_range` with the interval Bucketgrid picks as step and window, result cache off.
 * Listens on 127.0.0.1 only; its data lives in a temporary directory removed at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseInterval } from '@bucketgrid/shared';

const env = process.env;
const RECORDS = Number(env.BENCH_RECORDS ?? 1_000_000);
const SPACING = Number(env.BENCH_SPACING_MS ?? 1_000);
const POINTS = Number(env.BENCH_POINTS ?? 1_000);
const RUNS = Number(env.BENCH_RUNS ?? 20);
const BINARY = env.VICTORIA_METRICS ?? '/usr/bin/victoria-metrics';
const START = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const PORT = 18_000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${PORT}`;

if (!existsSync(BINARY)) {
  console.log(`${BINARY} not found: apt-get install victoria-metrics (or set VICTORIA_METRICS)`);
  process.exit(0);
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-vm-bench-'));
let server: ChildProcess | undefined;
try {
  server = spawn(
    BINARY,
    [
      `-storageDataPath=${dir}`,
      `-httpListenAddr=127.0.0.1:${PORT}`,
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      '-search.disableCache',
    ],
    { stdio: 'ignore' },
  );
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (attempt > 200) throw new Error('victoria-metrics did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  // The same values as bench/downsample.ts, as Prometheus text lines (ms timestamps).
  const began = performance.now();
  const CHUNK = 50_000;
  for (let i = 0; i < RECORDS; i += CHUNK) {
    let body = '';
    for (let j = i; j < Math.min(RECORDS, i + CHUNK); j++) {
      const key = START + j * SPACING;
      const v = Math.sin(j / 500) * 100 + (j % 17);
      body += `s1{bucket="b"} ${v} ${key}\ns2{bucket="b"} ${v / 3} ${key}\n`;
      if (j % 2 !== 0) body += `s3{bucket="b"} ${-v} ${key}\n`;
      body += `s4{bucket="b"} ${j % 1000} ${key}\n`;
    }
    const response = await fetch(`${base}/api/v1/import/prometheus`, { method: 'POST', body });
    if (!response.ok) throw new Error(`import failed: ${response.status}`);
  }
  await fetch(`${base}/internal/force_flush`);
  const last = START + (RECORDS - 1) * SPACING;
  console.log(
    `victoria-metrics: ${fmt(RECORDS, 0)} records × 4 series imported in ${fmt((performance.now() - began) / 1000)} s; load average ${fmt(loadavg()[0]!, 2)}`,
  );

  /** The four figures of the four series over [from, to] at Bucketgrid's interval. */
  async function read(from: number, to: number): Promise<{ ms: number; points: number }> {
    const step = chooseInterval('TSV', to - from, POINTS) / 1000;
    const t0 = performance.now();
    let points = 0;
    for (const fn of ['min_over_time', 'max_over_time', 'avg_over_time', 'last_over_time']) {
      const query = `${fn}({__name__=~"s[1-4]",bucket="b"}[${step}s])`;
      const params = new URLSearchParams({
        query,
        start: String(from / 1000),
        end: String(to / 1000),
        step: `${step}s`,
        nocache: '1',
      });
      const response = await fetch(`${base}/api/v1/query_range?${params}`);
      const json = (await response.json()) as {
        data: { result: { values: unknown[] }[] };
      };
      points = Math.max(points, ...json.data.result.map((series) => series.values.length));
    }
    return { ms: performance.now() - t0, points };
  }

  for (const [label, from] of [
    ['last 24 h', last - 24 * HOUR],
    ['last 7 d', last - 7 * 24 * HOUR],
    ['whole range', START],
  ] as const) {
    await read(from, last);
    const ms: number[] = [];
    let points = 0;
    for (let run = 0; run < RUNS; run++) {
      const result = await read(from, last);
      ms.push(result.ms);
      points = result.points;
    }
    ms.sort((a, b) => a - b);
    console.log(
      `${label.padEnd(12)} ${fmt(ms[ms.length >> 1]!).padStart(8)} ms median (min ${fmt(ms[0]!)}), 4 query_range calls (min, max, avg, last), ${points} points`,
    );
  }
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
