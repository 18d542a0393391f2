import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

const run = promisify(execFile);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stopAll());

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string }[];
}

/** Redocly's own CLI, with its recommended rules, on the document as the server serves it. */
async function redoclyLint(document: string): Promise<LintReport> {
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, document);
    const redocly = new URL('../node_modules/.bin/redocly', import.meta.url).pathname;
    const { stdout } = await run(
      redocly,
      ['lint', file, '--extends=recommended', '--format=json'],
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
    ).catch((error: { stdout: string }) => error);
    return JSON.parse(stdout) as LintReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('Redocly’s recommended rules find no error and no warning in /api/openapi.json', async () => {
  const response = await fetch(`${server.url}/api/openapi.json`);
  expect(response.status).toBe(200);
  const report = await redoclyLint(await response.text());
  expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
}, 60_000);

it('lets any origin read the document, and no origin call a bucket (CORS)', async () => {
  const origin = { origin: 'https://tools.example' };
  const document = await fetch(`${server.url}/api/openapi.json`, { headers: origin });
  expect(document.headers.get('access-control-allow-origin')).toBe('*');
  const bucket = await fetch(`${server.url}/api/buckets/abc`, { headers: origin });
  expect(bucket.status).toBe(401);
  expect(bucket.headers.get('access-control-allow-origin')).toBeNull();
  const preflight = await fetch(`${server.url}/api/buckets/abc`, {
    method: 'OPTIONS',
    headers: { ...origin, 'access-control-request-method': 'POST' },
  });
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
});
