/**
 * The web app under its own security headers, in Chromium: it works with the strict
 * Content-Security-Policy (not one violation on the way through), a page on another origin
 * cannot frame it (clickjacking), and the production build ships compressed assets and no
 * source maps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApiKey, createBucket, createDashboard, signUp } from './flows.ts';
import { newUser, postRecords, useHarness } from './harness.ts';

const harness = useHarness();
let otherOrigin: Server;
let otherUrl: string;

beforeAll(async () => {
  // Another origin (another port): a page that frames the app, and one that frames itself.
  otherOrigin = createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    if (req.url === '/framable') res.end('<p id="framable">framable</p>');
    else {
      res.end(
        `<iframe id="app" src="${harness.url}/"></iframe><iframe id="control" src="/framable"></iframe>`,
      );
    }
  });
  await new Promise<void>((resolve) => otherOrigin.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(otherOrigin.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => otherOrigin?.close(resolve));
});

test('the app works under its Content-Security-Policy, without a single violation', async () => {
  const page = await harness.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `Content-Security-Policy violation: ${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });
  await signUp(page, newUser('Cecilia'));
  const dashboardPath = await createDashboard(page, 'Policy');
  const bucketId = await createBucket(page, dashboardPath, 'Readings', 'TSV');
  const apiKey = await createApiKey(page, dashboardPath, 'policy-sensor');
  // Live updates (server-sent events) and the chart, under the policy.
  await page.goto(`${dashboardPath}/buckets/${bucketId}`);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  const written = await postRecords(harness.url, bucketId, apiKey, [
    { key: Date.UTC(2025, 0, 1), data: [{ series_key: 1, value: 1.5 }] },
  ]);
  expect(written.status).toBe(200);
  await page.getByRole('cell', { name: '1.5' }).waitFor();
  expect(violations).toEqual([]);
});

test('a page on another origin cannot frame the app', async () => {
  const page = await harness.newPage();
  await page.goto(otherUrl);
  const frameOf = async (id: string) =>
    (await (await page.locator(`#${id}`).elementHandle())!.contentFrame())!;
  const [app, control] = [await frameOf('app'), await frameOf('control')];
  // The control frame (same origin as its page) loads: the check below can see a loaded frame.
  await expect(control.locator('#framable').textContent()).resolves.toBe('framable');
  // The app's frame shows Chromium's refusal, not the app.
  await expect(app.evaluate(() => document.getElementById('root'))).resolves.toBeNull();
  expect(app.url()).not.toBe(`${harness.url}/`);
  // Chromium reports the refusal on the console: the one error this test expects.
  expect(harness.takeErrors()).toEqual([
    expect.stringMatching(
      /violates the following Content Security Policy directive: "frame-ancestors 'none'"/,
    ),
  ]);
});

test('the build ships compressed assets and no source maps', async () => {
  const dist = fileURLToPath(new URL('../dist/assets', import.meta.url));
  const files = readdirSync(dist);
  const script = files.find((file) => file.endsWith('.js'))!;
  expect(files).toContain(`${script}.br`);
  expect(files).toContain(`${script}.gz`);
  expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
  expect(readFileSync(join(dist, script), 'utf8')).not.toContain('sourceMappingURL');
  const answer = await new Promise<{ encoding?: string; cache?: string; length: number }>(
    (resolve, reject) =>
      get(`${harness.url}/assets/${script}`, { headers: { 'accept-encoding': 'br' } }, (res) => {
        let length = 0;
        res.on('data', (chunk: Buffer) => {
          length += chunk.length;
        });
        res.on('end', () =>
          resolve({
            encoding: res.headers['content-encoding'],
            cache: res.headers['cache-control'],
            length,
          }),
        );
      }).on('error', reject),
  );
  expect(answer.encoding).toBe('br');
  expect(answer.cache).toBe('public, max-age=31536000, immutable');
  expect(answer.length).toBeLessThan(readFileSync(join(dist, script)).length / 3);
});
