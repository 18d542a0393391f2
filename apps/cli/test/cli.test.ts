import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hashApiKey } from '@bucketgrid/shared/api-key';
import { openStore } from '@bucketgrid/store';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-cli-'));
const databaseUrl = `file:${join(dir, 'cli.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real CLI process; returns its exit code and stdout/stderr parsed as one JSON object. */
async function cli(...args: string[]) {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', main, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { code: 0, out: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    expect(failed.stdout).toBe('');
    return { code: failed.code, out: JSON.parse(failed.stderr) };
  }
}

it('provisions a user, dashboard, bucket and key, and revokes the key', async () => {
  const user = await cli(
    'user',
    'create',
    '--email',
    'Ada@Example.com',
    '--password',
    'a long password',
    '--name',
    'Ada L',
  );
  expect(user).toEqual({
    code: 0,
    out: { id: expect.any(String), email: 'ada@example.com', workspace: 'ada-l' },
  });
  const dashboard = await cli(
    'dashboard',
    'create',
    '--owner',
    'ada@example.com',
    '--name',
    'Plant 1',
  );
  expect(dashboard.out).toEqual({ id: expect.any(String), slug: 'plant-1' });
  const bucket = await cli(
    'bucket',
    'create',
    '--dashboard',
    dashboard.out.id,
    '--name',
    'T',
    '--type',
    'TSV',
  );
  expect(bucket.out).toEqual({ id: expect.any(String), type: 'TSV' });
  const key = await cli(
    'key',
    'create',
    '--dashboard',
    dashboard.out.id,
    '--name',
    'gw',
    '--type',
    'production',
  );
  expect(key.out).toEqual({ id: expect.any(String), key: expect.stringMatching(/^bg_prod_/) });
  const revoked = await cli('key', 'revoke', '--id', key.out.id);
  expect(revoked.out).toEqual({ id: key.out.id, revokedAt: expect.any(Number) });

  const store = await openStore(databaseUrl);
  const stored = await store.getApiKeyByHash(hashApiKey(key.out.key));
  expect(stored).toMatchObject({
    id: key.out.id,
    dashboardId: dashboard.out.id,
    revokedAt: revoked.out.revokedAt,
  });
  await store.close();
}, 30_000);

it('answers errors with one JSON object on stderr and a non-zero exit', async () => {
  expect(
    await cli('user', 'create', '--email', 'x@example.com', '--password', 'short', '--name', 'X'),
  ).toEqual({
    code: 1,
    out: { error: 'weak_password', message: expect.stringContaining('10 characters') },
  });
  expect(
    await cli('bucket', 'create', '--dashboard', 'nope', '--name', 'b', '--type', 'TSV'),
  ).toMatchObject({
    code: 1,
    out: { error: 'not_found' },
  });
  expect(await cli('bucket', 'create', '--dashboard')).toMatchObject({
    code: 1,
    out: { error: 'invalid_input' },
  });
  expect(await cli('frobnicate')).toMatchObject({ code: 1, out: { error: 'invalid_input' } });
}, 30_000);
