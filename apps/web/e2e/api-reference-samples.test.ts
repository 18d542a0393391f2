import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { createApiKey, createBucket, createDashboard, signUp } from './flows.ts';
import { newUser, useHarness } from './harness.ts';

const harness = useHarness();
const run = promisify(execFile);

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document, walked as JSON
type Json = Record<string, any>;

interface Operation {
  method: string;
  path: string;
  tag: string;
  summary: string;
  /** The documented success: the operation's first 2xx response. */
  status: number;
  /** Whether it takes an API key (`security: []` opts an operation out). */
  secured: boolean;
}

/** Every operation of the served document, in its order. */
async function operations(): Promise<Operation[]> {
  const document = (await (await fetch(`${harness.url}/api/openapi.json`)).json()) as Json;
  const found: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const [method, operation] of Object.entries<Json>(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      const status = Number(Object.keys(operation.responses).find((code) => code.startsWith('2')));
      const secured = (operation.security ?? document.security ?? []).length > 0;
      found.push({
        method,
        path,
        tag: operation.tags[0],
        summary: operation.summary,
        status,
        secured,
      });
    }
  }
  return found;
}

/**
 * The sample the page shows for an operation, as the reader copies it; with `client`, chosen
 * in the operation's own client menu first (custom samples are chosen per operation).
 */
async function sampleOf(
  page: Page,
  operation: Operation,
  marker: string,
  client?: string,
): Promise<string> {
  const tag = operation.tag.toLowerCase().replaceAll(' ', '-');
  const id = `api-1/tag/${tag}/${operation.method.toUpperCase()}${operation.path}`;
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, id.slice('api-1/'.length));
  const section = page.locator(`section[id="${id}"]`);
  const sample = section.locator('pre').filter({ hasText: marker }).first();
  if (client) {
    await section
      .getByRole('button', { name: /^(Shell Curl|Python|Go|Node\.js|Requests)/ })
      .first()
      .click();
    await page.getByRole('option', { name: client, exact: true }).click();
  }
  await sample.waitFor();
  return (await sample.textContent()) ?? '';
}

/** Replaces the key placeholder, as a reader pastes their key (the page fills the bucket id). */
function withKey(sample: string, key: string, operation: Operation): string {
  expect(sample.includes('YOUR_API_KEY'), operation.summary).toBe(operation.secured);
  return sample.replaceAll('YOUR_API_KEY', key);
}

test('every curl and Python sample of the reference, run as shown, answers its documented success', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Sam'));
  const dashboardPath = await createDashboard(page, 'Samples');
  const bucketId = await createBucket(page, dashboardPath, 'Readings', 'TSV');
  const key = await createApiKey(page, dashboardPath, 'samples');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  const all = await operations();
  expect(all.map((o) => `${o.method} ${o.path}`)).toEqual(
    expect.arrayContaining([
      'post /api/buckets/{bucketId}',
      'get /api/buckets/{bucketId}',
      'delete /api/buckets/{bucketId}',
      'get /api/buckets/{bucketId}/downsample',
      'post /api/buckets/{bucketId}/purge',
    ]),
  );

  await page.goto(`${harness.url}/api-reference?bucket=${bucketId}&type=TSV`);
  await page.getByRole('heading', { name: 'Bucketgrid data API' }).waitFor();

  // curl, the default: each sample through the shell, as a reader pastes it.
  const curl: Record<string, string> = {};
  for (const operation of all) curl[operation.summary] = await sampleOf(page, operation, 'curl');
  for (const operation of all) {
    const sample = withKey(curl[operation.summary]!, key, operation);
    if (operation.path.includes('{bucketId}')) expect(sample).toContain(bucketId);
    // Only what the status needs is added: curl's flags to print it instead of the body.
    expect(sample.startsWith('curl ')).toBe(true);
    const command = sample.replace(
      /^curl /,
      "curl --silent --show-error --output /dev/null --write-out '%{http_code}' ",
    );
    const { stdout } = await run('bash', ['-c', command]);
    expect(`${operation.summary}: ${stdout}`).toBe(`${operation.summary}: ${operation.status}`);
  }
  // The read's sample asks only what works together: no empty or CSV-only parameters.
  const read =
    curl[all.find((o) => o.method === 'get' && o.path === '/api/buckets/{bucketId}')!.summary]!;
  expect(read).not.toMatch(/[?&](to|cursor|key_format|order)=/);

  // Python: a whole program (its import included), run by python3 as a reader would.
  for (const operation of all) {
    const sample = withKey(
      await sampleOf(page, operation, 'requests.', 'Requests'),
      key,
      operation,
    );
    expect(sample.startsWith('import requests\n')).toBe(true);
    const { stdout } = await run('python3', ['-c', sample]);
    expect(`${operation.summary}: ${stdout.split(' ')[0]}`).toBe(
      `${operation.summary}: ${operation.status}`,
    );
  }
});
