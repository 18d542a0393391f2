import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { llmsFiles } from '../src/api-reference/llms-files.ts';
import { createApiKey, createBucket, createDashboard, signUp } from './flows.ts';
import { newUser, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

/** Opens a link that opens a new tab, and returns that tab once it has loaded. */
async function openInNewTab(page: Page, link: ReturnType<Page['getByRole']>): Promise<Page> {
  const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await tab.waitForLoadState();
  tab.setDefaultTimeout(20_000);
  return tab;
}

test('the API reference renders offline, under its CSP, with the bucket’s id in its samples', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Dev'));
  const dashboardPath = await createDashboard(page, 'Sensors');
  const bucketId = await createBucket(page, dashboardPath, 'Cities', 'KV');

  // Everything the page loads comes from this server: nothing from a CDN, no fonts, no telemetry.
  const elsewhere: string[] = [];
  const violations: string[] = [];
  page.context().on('request', (request) => {
    if (!request.url().startsWith(harness.url)) elsewhere.push(request.url());
  });
  page.context().on('console', (message) => {
    if (message.type() === 'error') violations.push(message.text());
  });

  const link = page.getByRole('link', { name: 'API reference' });
  expect(await link.getAttribute('href')).toBe(`/api-reference?bucket=${bucketId}&type=KV`);
  const reference = await openInNewTab(page, link);
  await reference.getByRole('heading', { name: 'Bucketgrid data API' }).waitFor();
  for (const operation of ['Write records (merge)', 'Read records', 'Delete every record']) {
    await reference.getByRole('button', { name: operation }).first().waitFor();
  }

  // The first write's sample: this bucket's id, and the KV example first (the bucket's type).
  await reference.goto(`${reference.url()}#tag/records/POST/api/buckets/{bucketId}`);
  const sample = reference
    .locator('pre')
    .filter({ hasText: `/api/buckets/${bucketId}` })
    .first();
  await sample.waitFor();
  expect(await sample.textContent()).toContain('curl');
  expect(await sample.textContent()).toContain('"berlin"');
  await screenshot(reference, 'api-reference');

  // The same request in Python (requests), Go and Node (fetch).
  for (const [client, code] of [
    ['Requests', 'requests.post('],
    ['NewRequest', 'http.NewRequest('],
    ['Fetch', 'fetch('],
  ] as const) {
    // The picker may still be closing from the last choice when it is clicked again, and a
    // click then closes it: open it until its options show.
    const picker = reference.getByRole('button', { name: /^(Shell Curl|Python|Go|Node\.js)/ });
    const option = reference.getByRole('option', { name: client, exact: true });
    for (let attempt = 1; !(await option.isVisible()); attempt++) {
      if (attempt > 10) throw new Error(`the client picker never offered ${client}`);
      await picker.first().click();
      await option.waitFor({ timeout: 2_000 }).catch(() => {});
    }
    await option.click();
    await reference.locator('pre').filter({ hasText: code }).first().waitFor();
    const text = await reference.locator('pre').filter({ hasText: code }).first().textContent();
    expect(text).toContain(`/api/buckets/${bucketId}`);
  }

  expect(elsewhere).toEqual([]);
  expect(violations).toEqual([]);
});

test('the key dialog links the reference for the dashboard’s first bucket, in a new tab', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Kai'));
  const dashboardPath = await createDashboard(page, 'Plant');
  const bucketId = await createBucket(page, dashboardPath, 'Temperatures');
  await createApiKey(page, dashboardPath, 'gateway');
  const dialog = page.getByRole('dialog', { name: 'API key created' });
  await dialog.getByText('Writes one record to the bucket "Temperatures".').waitFor();
  const link = dialog.getByRole('link', { name: 'API reference' });
  expect(await link.getAttribute('href')).toBe(`/api-reference?bucket=${bucketId}&type=TSV`);
  expect(await link.getAttribute('target')).toBe('_blank');
  const reference = await openInNewTab(page, link);
  await reference.getByRole('heading', { name: 'Bucketgrid data API' }).waitFor();
  // The key is still on screen in the app's tab.
  await dialog.getByLabel('Your new API key').waitFor();
});

test('/llms.txt and /llms-full.txt come with the build, from docs/rest-api.md, as plain text', async () => {
  const doc = readFileSync(new URL('../../../docs/rest-api.md', import.meta.url), 'utf8');
  const full = await fetch(`${harness.url}/llms-full.txt`);
  expect(full.status).toBe(200);
  expect(full.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  // Fetch takes the brotli or gzip file the server prefers, and decodes it.
  expect(full.headers.get('content-encoding')).toMatch(/^(br|gzip)$/);
  const text = await full.text();
  expect(text).toBe(llmsFiles(doc)['llms-full.txt']);
  expect(text).toContain('## AI agents (MCP)');
  const short = await fetch(`${harness.url}/llms.txt`);
  expect(short.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  const index = await short.text();
  expect(index).toMatch(/^# REST data API reference\n\n> Programs push records/);
  expect(index).toContain('(/llms-full.txt)');
});
