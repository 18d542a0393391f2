import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@bucketgrid/shared/api-key';
import { openStore, type Store } from '@bucketgrid/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Logger, silentLogger } from '../src/log.ts';
import { metricsListener } from '../src/metrics/endpoint.ts';
import { ServerMetrics } from '../src/metrics/metrics.ts';
import { type RunningServer, type ServerOptions, startServer } from '../src/server.ts';
import { call, provision, startTestServer } from './helpers.ts';
import { openLive } from './live-client.ts';
import { openSocket } from './raw-http.ts';
import { stallingStore } from './stalling-store.ts';
import { signUp } from './trpc-client.ts';

const TOKEN = 'a metrics token of some length';

interface MeteredServer extends RunningServer {
  store: Store;
  stopAll(): Promise<void>;
}

/**
 * The real server as main.ts starts it with METRICS_TOKEN: its metrics also observe the
 * store's group commits. On a SQLite file of its own.
 */
async function startMeteredServer(
  options: Partial<Omit<ServerOptions, 'store' | 'port' | 'metrics'>> & {
    wrapStore?: (store: Store) => Store;
  } = {},
): Promise<MeteredServer> {
  const { wrapStore = (store: Store) => store, ...serverOptions } = options;
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-metrics-'));
  const metrics = new ServerMetrics();
  const store = await openStore(`file:${join(dir, 'metrics.db')}`, {
    commitObserver: metrics.commitObserver,
  });
  const running = await startServer({
    store: wrapStore(store),
    metrics,
    metricsToken: TOKEN,
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
    ...serverOptions,
  });
  return {
    ...running,
    store,
    async stopAll() {
      await running.close();
      await store.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One sample of a family in Prometheus' text format (0 when the series is not there yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',');
    if (wanted.every((label) => have.includes(label))) return Number(match[3]);
  }
  return 0;
}

describe('GET /metrics on the server’s own port, with METRICS_TOKEN', () => {
  let server: MeteredServer;
  const lines: Record<string, unknown>[] = [];
  const logger: Logger = (level, message, fields) => lines.push({ level, message, ...fields });

  beforeAll(async () => {
    server = await startMeteredServer({ logger });
  });
  afterAll(() => server.stopAll());

  const scrape = async () => {
    const answer = await call(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return answer.text;
  };

  it('refuses a scrape without the token, or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const answer = await call(`${server.url}/metrics`, { headers });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(answer.text).not.toContain('bucketgrid_');
    }
  });

  it('starts the refusal and store-error counters of known labels at 0, so alerts see data', async () => {
    const text = await scrape();
    for (const route of ['/api/buckets/{bucketId}', '/trpc', '(connection)']) {
      expect(text).toContain(`bucketgrid_rate_limit_refusals_total{route="${route}"} `);
    }
    for (const operation of ['commit', 'upsertRecords', 'getApiKeyByHash', 'readRecords']) {
      expect(text).toContain(`bucketgrid_store_errors_total{operation="${operation}"} `);
    }
  });

  it('answers every family an operator needs', async () => {
    const text = await scrape();
    for (const family of [
      'bucketgrid_http_request_duration_seconds',
      'bucketgrid_ingested_records_total',
      'bucketgrid_ingested_values_total',
      'bucketgrid_group_commit_jobs',
      'bucketgrid_group_commit_duration_seconds',
      'bucketgrid_live_streams',
      'bucketgrid_rate_limit_refusals_total',
      'bucketgrid_store_errors_total',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${family} `);
    }
  });

  it('counts records and values ingested, requests by route and status, and group commits', async () => {
    const before = await scrape();
    const setup = await provision(server.store, 'IV');
    const url = `${server.url}/api/buckets/${setup.bucket.id}`;
    const write = (body: unknown) => call(url, { method: 'POST', key: setup.key, body });
    expect(
      (
        await write([
          {
            k: 1,
            d: [
              { sk: 1, v: 1 },
              { sk: 2, v: 2 },
            ],
          },
          { k: 2, d: [{ sk: 1, v: null }] },
        ])
      ).status,
    ).toBe(200);
    expect((await write([{ key: 3, data: [{ series_key: 7, value: 0.5 }] }])).status).toBe(200);
    expect((await write([{ k: 'x', d: [{ sk: 1, v: 1 }] }])).status).toBe(422);
    const after = await scrape();

    const delta = (name: string, labels?: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('bucketgrid_ingested_records_total')).toBe(3);
    expect(delta('bucketgrid_ingested_values_total')).toBe(4);
    const writes = { method: 'POST', route: '/api/buckets/{bucketId}' };
    expect(
      delta('bucketgrid_http_request_duration_seconds_count', { ...writes, status: '200' }),
    ).toBe(2);
    expect(
      delta('bucketgrid_http_request_duration_seconds_count', { ...writes, status: '422' }),
    ).toBe(1);
    expect(delta('bucketgrid_group_commit_jobs_count')).toBeGreaterThanOrEqual(2);
    expect(delta('bucketgrid_group_commit_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    // Route labels are patterns, never ids.
    expect(after).not.toContain(setup.bucket.id);
  });

  it('counts live streams while they are open', async () => {
    const scrapeLive = async () => sample(await scrape(), 'bucketgrid_live_streams');
    const owner = await signUp(server.url, 'Watcher');
    const dashboard = await owner.client.dashboards.create.mutate({ name: 'Watched' });
    const before = await scrapeLive();
    // As a browser's EventSource opens it.
    const stream = openLive(
      server.url,
      'dashboards.live',
      { dashboardId: dashboard.id },
      { jar: owner.jar, headers: { accept: 'text/event-stream' } },
    );
    await stream.started;
    expect(await scrapeLive()).toBe(before + 1);
    stream.close();
    await expect.poll(scrapeLive, { interval: 20 }).toBe(before);
  });

  it('writes one JSON line per request: route pattern, status, duration and key id, never a key', async () => {
    const setup = await provision(server.store, 'TSV');
    lines.length = 0;
    await call(`${server.url}/api/buckets/${setup.bucket.id}?limit=1`, { key: setup.key });
    const person = await signUp(server.url, 'Logged');
    await person.client.dashboards.list.query();
    const requests = lines.filter((line) => line.message === 'request');
    expect(requests).toContainEqual({
      level: 'info',
      message: 'request',
      method: 'GET',
      route: '/api/buckets/{bucketId}',
      status: 200,
      ms: expect.any(Number),
      keyId: setup.apiKey.id,
    });
    expect(requests.filter((line) => line.route === '/trpc')).toHaveLength(2);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(setup.key);
    for (const [, session] of person.jar) expect(logged).not.toContain(session);
    expect(logged).not.toContain(setup.bucket.id);
  });

  it('counts refusals by rate limit, and store failures by operation', async () => {
    let stalling: ReturnType<typeof stallingStore> | undefined;
    const limited = await startMeteredServer({
      keyRateLimitPerMinute: 1,
      storeTimeoutMs: 200,
      wrapStore: (store) => {
        stalling = stallingStore(store);
        return stalling.store;
      },
    });
    try {
      const setup = await provision(limited.store, 'TSV');
      const url = `${limited.url}/api/buckets/${setup.bucket.id}`;
      expect((await call(url, { key: setup.key })).status).toBe(200);
      expect((await call(url, { key: setup.key })).status).toBe(429);
      stalling!.stall();
      // A key this server has not seen yet: its lookup reaches the stalled store.
      expect((await call(url, { key: generateApiKey('production') })).status).toBe(503);
      stalling!.resume();
      const text = (
        await call(`${limited.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).text;
      const route = { route: '/api/buckets/{bucketId}' };
      expect(sample(text, 'bucketgrid_rate_limit_refusals_total', route)).toBe(1);
      expect(sample(text, 'bucketgrid_store_errors_total', { operation: 'getApiKeyByHash' })).toBe(
        1,
      );
    } finally {
      await limited.stopAll();
    }
  });
});

describe('connections over the per-address cap', () => {
  it('are counted as refusals of route "(connection)"', async () => {
    const capped = await startMeteredServer({ maxConnectionsPerAddress: 2 });
    try {
      const sockets = await Promise.all(
        Array.from({ length: 5 }, () => openSocket(capped.url, '127.0.0.3')),
      );
      // The server closes the three over the cap (the scrape below comes from 127.0.0.1).
      let closed = 0;
      await new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.resume();
          socket.once('close', () => {
            if (++closed === 3) resolve();
          });
        }
      });
      for (const socket of sockets) socket.destroy();
      const text = (
        await call(`${capped.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).text;
      expect(sample(text, 'bucketgrid_rate_limit_refusals_total', { route: '(connection)' })).toBe(
        3,
      );
    } finally {
      await capped.stopAll();
    }
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('is not served on the public port', async () => {
    const server = await startTestServer();
    try {
      const answer = await call(`${server.url}/metrics`);
      expect(answer.status).toBe(404);
      expect(answer.text).not.toContain('bucketgrid_');
    } finally {
      await server.stopAll();
    }
  });

  it('is served on the separate metrics address, and nothing else is', async () => {
    const metrics = new ServerMetrics();
    const listener = createServer(metricsListener(metrics, undefined));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    try {
      const answer = await call(`${base}/metrics`);
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('# TYPE bucketgrid_ingested_records_total counter');
      expect((await call(`${base}/api/openapi.json`)).status).toBe(404);
    } finally {
      listener.close();
    }
  });
});
