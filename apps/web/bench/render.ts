/**
 * How long a 12-widget dashboard over 24 h takes to draw: from the page's first paint to
 * every widget showing its data (time charts drawn, stats, bars and table rows in place).
 * The real server (production build, SQLite in a temp dir) and a real Chromium; each turn is a
 * fresh navigation with a cold React Query cache. The goal is ≤ 1 s.
 *
 *   pnpm --filter @bucketgrid/web bench:render     (after `pnpm --filter @bucketgrid/web build`)
 *   BENCH_BASELINE=/path/to/other/checkout pnpm --filter @bucketgrid/web bench:render
 *
 * With BENCH_BASELINE the other checkout (its own build and server code) is measured too, in
 * alternating turns in the same run, so both see the same machine load. TURNS (default 8)
 * sets the turns per checkout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, trpcCall } from '../e2e/browser.ts';

const TURNS = Number(process.env.TURNS ?? 8);
/** CPU_SLOWDOWN=4 runs the page's CPU 4× slower (Chromium's throttling): a loaded machine on demand. */
const CPU_SLOWDOWN = Number(process.env.CPU_SLOWDOWN ?? 1);
const DAY = 24 * 60 * 60_000;
/** One record every 10 s for a day: 8,640 records of four series in each of three buckets. */
const STEP_MS = 10_000;
const BATCH = 5_000;

interface Harness {
  newPage(): Promise<Page>;
  url: string;
  stop(): Promise<void>;
}

/**
 * A checkout's own server code and web build on SQLite in a temp dir, and a Chromium. Not
 * the e2e harness: a second copy of vitest (the other checkout's) refuses to load outside
 * its runner.
 */
async function startCheckout(root: string): Promise<Harness> {
  const { startServer } = await import(
    pathToFileURL(resolve(root, 'apps/server/src/server.ts')).href
  );
  const { openStore } = await import(
    pathToFileURL(resolve(root, 'packages/store/src/index.ts')).href
  );
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-render-'));
  const store = await openStore(`file:${join(dir, 'bench.db')}`);
  const server = await startServer({
    store,
    logger: () => {},
    port: 0,
    host: '127.0.0.1',
    webDist: resolve(root, 'apps/web/dist'),
  });
  const browser = await launchChromium();
  const context = await browser.newContext({ baseURL: server.url });
  return {
    url: server.url,
    newPage: () => context.newPage(),
    async stop() {
      await browser.close();
      server.server.closeAllConnections();
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Checkout {
  name: string;
  harness: Harness;
  dashboardPath: string;
  page: Page;
  times: number[];
}

async function post(url: string, bucketId: string, key: string, records: unknown[]) {
  const response = await fetch(`${url}/api/buckets/${bucketId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(records),
  });
  if (response.status !== 200) throw new Error(`write: ${response.status}`);
}

/** A user, a dashboard with three TSV buckets and a KV bucket full of a day's data, 12 widgets. */
async function prepare(name: string, root: string): Promise<Checkout> {
  const harness = await startCheckout(root);
  const page = await harness.newPage();
  await page.setViewportSize({ width: 1440, height: 1000 });
  if (CPU_SLOWDOWN > 1) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  }
  // Setup through the API the app itself calls (the checkouts' test flows import vitest).
  await page.goto('/signin');
  await trpcCall(
    page,
    'auth.signUp',
    { name: 'Bench', email: `bench-${name}@example.com`, password: 'correct horse battery staple' },
    true,
  );
  const dashboard = (await trpcCall(page, 'dashboards.create', { name: 'Render' }, true)) as {
    id: string;
    workspace: string;
    slug: string;
  };
  const dashboardId = dashboard.id;
  const dashboardPath = `/${dashboard.workspace}/${dashboard.slug}`;
  const createBucket = async (bucket: string, type: string) =>
    (
      (await trpcCall(page, 'buckets.create', { dashboardId, name: bucket, type }, true)) as {
        id: string;
      }
    ).id;
  const buckets: string[] = [];
  for (const bucket of ['Plant A', 'Plant B', 'Plant C'])
    buckets.push(await createBucket(bucket, 'TSV'));
  const kv = await createBucket('Sites', 'KV');
  const { key } = (await trpcCall(
    page,
    'apiKeys.create',
    { dashboardId, name: 'bench', type: 'production' },
    true,
  )) as { key: string };

  const now = Date.now();
  for (const bucketId of buckets) {
    let batch: unknown[] = [];
    for (let at = now - DAY; at <= now; at += STEP_MS) {
      const t = at / 3_600_000;
      batch.push({
        key: at,
        data: [1, 2, 3, 4].map((sk) => ({
          series_key: sk,
          value: Math.round((20 * sk + 5 * Math.sin(t + sk) + Math.random()) * 10) / 10,
        })),
      });
      if (batch.length === BATCH) {
        await post(harness.url, bucketId, key, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await post(harness.url, bucketId, key, batch);
  }
  await post(
    harness.url,
    kv,
    key,
    Array.from({ length: 12 }, (_, i) => ({
      key: `site-${i}`,
      data: [{ series_key: 1, value: i * 7 }],
    })),
  );

  const chart = (i: number, x: number, y: number) => ({
    id: `chart${i}`,
    type: 'timeChart',
    title: `Chart ${i}`,
    pos: { x, y, w: 6, h: 5 },
    bucketId: buckets[i % 3],
    series: [{ sk: 1 }, { sk: 2 }, { sk: 3 }, { sk: 4 }],
  });
  const widgets = [
    chart(0, 0, 0),
    chart(1, 6, 0),
    chart(2, 0, 5),
    chart(3, 6, 5),
    chart(4, 0, 10),
    chart(5, 6, 10),
    ...[0, 1, 2, 3].map((i) => ({
      id: `stat${i}`,
      type: 'stat',
      title: `Stat ${i}`,
      pos: { x: i * 3, y: 15, w: 3, h: 3 },
      bucketId: buckets[i % 3],
      sk: 1 + i,
    })),
    {
      id: 'bars',
      type: 'barChart',
      title: 'Sites',
      pos: { x: 0, y: 18, w: 6, h: 5 },
      bucketId: kv,
      series: [1],
    },
    {
      id: 'table',
      type: 'table',
      title: 'Log',
      pos: { x: 6, y: 18, w: 6, h: 5 },
      bucketId: buckets[0],
      limit: 10,
    },
  ];
  await trpcCall(
    page,
    'dashboards.saveLayout',
    { dashboardId, version: 0, widgets, defaultRange: '24h' },
    true,
  );
  return { name, harness, dashboardPath, page, times: [] };
}

/** First paint → every widget drawn, in ms, for one fresh load of the dashboard. */
async function measure(checkout: Checkout): Promise<number> {
  const { page } = checkout;
  await page.goto('about:blank');
  await page.goto(checkout.dashboardPath);
  const drawnAt = await page.waitForFunction(
    () => {
      const widgets = [...document.querySelectorAll('[data-widget-id]')];
      if (widgets.length !== 12) return false;
      const drawn = widgets.every((widget) =>
        widget.querySelector(
          '.uplot canvas, p[title^="Latest:"], [role="img"][aria-label^="Bar chart"], tbody tr',
        ),
      );
      return drawn ? performance.now() : false;
    },
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  const end = (await drawnAt.jsonValue()) as number;
  const paint = await page.evaluate(
    () => performance.getEntriesByName('first-paint')[0]?.startTime ?? 0,
  );
  if (process.env.BENCH_DETAIL) {
    const detail = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e as PerformanceResourceTiming)
        .map(
          (e) =>
            `${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)} ${e.name.replace(location.origin, '').split('?')[0]}`,
        ),
    );
    console.log(`paint ${paint.toFixed(0)} drawn ${end.toFixed(0)}\n  ${detail.join('\n  ')}`);
  }
  return end - paint;
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `| ${sorted[0]!.toFixed(0)} ms | ${median.toFixed(0)} ms | ${sorted.at(-1)!.toFixed(0)} ms |`;
}

const checkouts: Checkout[] = [await prepare('this', resolve(import.meta.dirname, '../../..'))];
const baseline = process.env.BENCH_BASELINE;
if (baseline) checkouts.push(await prepare('baseline', resolve(baseline)));
try {
  // A warm-up turn each (the browser's caches, the server's first reads), then alternating.
  for (const checkout of checkouts) await measure(checkout);
  for (let turn = 0; turn < TURNS; turn++) {
    for (const checkout of checkouts) checkout.times.push(await measure(checkout));
  }
  console.log(
    `12 widgets over 24 h: first paint → all drawn, ${TURNS} turns each (load ${(
      await import('node:os')
    )
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')})`,
  );
  console.log('| checkout | min | median | max |');
  console.log('| --- | --- | --- | --- |');
  for (const checkout of checkouts) console.log(`| ${checkout.name} ${summary(checkout.times)}`);
} finally {
  for (const checkout of checkouts) await checkout.harness.stop();
}
