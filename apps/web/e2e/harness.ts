import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerOptions, startServer } from '@bucketgrid/server';
import { openStore } from '@bucketgrid/store';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from './browser.ts';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const webDist = join(appRoot, 'dist');
const screenshotDir = fileURLToPath(new URL('../screenshots', import.meta.url));

export interface Harness {
  url: string;
  /** A fresh browser profile: its own cookies, as a second person on another machine. */
  newPage(): Promise<Page>;
  /**
   * Stops the server (as a deploy or crash would) and starts it again on the same address
   * and data; `whileDown` runs in between.
   */
  restartServer(whileDown: () => Promise<void>): Promise<void>;
  /** Page errors and console errors since the last call (each test must end with none). */
  takeErrors(): string[];
  stop(): Promise<void>;
}

/**
 * Chromium logs every 4xx/5xx answer to fetch as a console error; the app shows those to the
 * person (a wrong password, a throttled sign-in), so they are the tests' business, not a defect.
 */
const HTTP_STATUS_MESSAGE = /^Failed to load resource: the server responded with a status of \d{3}/;

/** Newest change to what the build is made of (tests excluded), in ms. */
function newestSource(): number {
  const sources = readdirSync(join(appRoot, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => !file.endsWith('.test.ts'))
    .map((file) => join(appRoot, 'src', file));
  return Math.max(...[join(appRoot, 'index.html'), ...sources].map((f) => statSync(f).mtimeMs));
}

export interface HarnessOptions {
  /** The server's clock (Date.now by default). */
  now?: () => number;
  /** SMTP_URL: email on, through this server (see startTestMailServer). */
  smtpUrl?: string;
  /** Alert evaluation and delivery settings (docs/alerts.md). */
  alerts?: ServerOptions['alerts'];
}

/** The real server (production build of the app, SQLite in a temp dir) and a Chromium. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  // The tests drive the production build; testing a stale one would test old code.
  const built = join(webDist, 'index.html');
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource()) {
    throw new Error(
      'apps/web/dist is missing or older than src: run `pnpm --filter @bucketgrid/web build`.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-web-'));
  const store = await openStore(`file:${join(dir, 'web.db')}`);
  const serve = (port: number) =>
    startServer({
      store,
      logger: () => {},
      port,
      host: '127.0.0.1',
      webDist,
      now: options.now,
      smtpUrl: options.smtpUrl,
      alerts: options.alerts,
    });
  let server = await serve(0);
  const url = server.url;
  const browser: Browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  let errors: string[] = [];
  return {
    url,
    async restartServer(whileDown) {
      const closed = server.close();
      // Live streams never finish by themselves: cut every connection, as a crash would.
      server.server.closeAllConnections();
      await closed;
      await whileDown();
      server = await serve(Number(new URL(url).port));
    },
    async newPage() {
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: { width: 1280, height: 860 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      contexts.push(context);
      context.on('weberror', (error) => errors.push(`page error: ${error.error().message}`));
      context.on('console', (message) => {
        if (message.type() === 'error' && !HTTP_STATUS_MESSAGE.test(message.text())) {
          errors.push(`console error: ${message.text()}`);
        }
      });
      const page = await context.newPage();
      // React reports an error it recovered from as a wrapper (#520); its cause says which.
      await page.addInitScript(() =>
        window.addEventListener('error', (event) => {
          const cause = (event.error as { cause?: { stack?: string } } | undefined)?.cause;
          if (cause) console.error(`caused by: ${cause.stack ?? String(cause)}`);
        }),
      );
      // Every wait is on visible state; a step that takes this long has failed.
      page.setDefaultTimeout(10_000);
      return page;
    },
    takeErrors() {
      const taken = errors;
      errors = [];
      return taken;
    },
    async stop() {
      // The browser goes first: its open live streams would otherwise hold the server open.
      for (const context of contexts) await context.close();
      await browser.close();
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/**
 * Nothing pushes the page sideways. Polled, because after a viewport change the grid learns its
 * new width from a ResizeObserver a frame later; an overflow that stays fails after the timeout.
 */
export async function expectFitsViewport(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), {
      // A busy machine may take a while to relayout; expect.poll's default is 1 s.
      timeout: 10_000,
    })
    .toBe(true);
}

export interface TestUser {
  name: string;
  email: string;
  password: string;
}

export function newUser(name: string): TestUser {
  const id = randomUUID().slice(0, 8);
  return {
    name,
    email: `${name.toLowerCase()}-${id}@example.com`,
    password: 'correct horse battery',
  };
}

/** Status and JSON body of a plain HTTP write, as any program would send it. */
export async function postRecords(url: string, bucketId: string, key: string, records: unknown) {
  const response = await fetch(`${url}/api/buckets/${bucketId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(records),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * The harness of one test file: started before its first test, stopped after its last. The
 * object stands for the running harness, so tests use it as they would the harness itself.
 */
export function useHarness(options: HarnessOptions = {}): Harness {
  let running: Harness | undefined;
  beforeAll(async () => {
    running = await startHarness(options);
  });
  afterEach(() => {
    const errors = running?.takeErrors() ?? [];
    if (errors.length > 0) throw new Error(`the app logged errors:\n${errors.join('\n')}`);
  });
  afterAll(async () => {
    await running?.stop();
  });
  const current = (): Harness => {
    if (!running) throw new Error('the harness starts in beforeAll: use it inside a test');
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    newPage: () => current().newPage(),
    restartServer: (whileDown) => current().restartServer(whileDown),
    takeErrors: () => current().takeErrors(),
    stop: () => current().stop(),
  };
}
