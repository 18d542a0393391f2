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

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Runs the real CLI process; returns its stdout as text. */
async function usage(...args: string[]) {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  expect(stderr).toBe('');
  return stdout;
}

/** Runs the real CLI process; returns its exit code and stdout/stderr parsed as one JSON object. */
async function cli(...args: string[]) {
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
  const full = { scopes: ['write', 'read', 'delete'], bucketIds: null, summary: 'full' };
  expect(key.out).toEqual({
    id: expect.any(String),
    key: expect.stringMatching(/^bg_prod_/),
    ...full,
  });
  const revoked = await cli('key', 'revoke', '--id', key.out.id);
  expect(revoked.out).toEqual({ id: key.out.id, revokedAt: expect.any(Number) });

  expect((await cli('dashboard', 'list', '--user', 'ada@example.com')).out).toEqual({
    dashboards: [
      {
        id: dashboard.out.id,
        name: 'Plant 1',
        path: '/ada-l/plant-1',
        role: 'owner',
        retention: 100_000,
        createdAt: expect.any(Number),
      },
    ],
  });
  expect((await cli('bucket', 'list', `--dashboard=${dashboard.out.id}`)).out).toEqual({
    buckets: [
      {
        id: bucket.out.id,
        name: 'T',
        type: 'TSV',
        recordCount: 0,
        lastWriteAt: null,
        createdAt: expect.any(Number),
      },
    ],
  });
  const keys = await cli('key', 'list', '--dashboard', dashboard.out.id);
  expect(keys.out).toEqual({
    keys: [
      {
        id: key.out.id,
        name: 'gw',
        type: 'production',
        hint: key.out.key.slice(0, 12),
        ...full,
        state: 'revoked',
        createdAt: expect.any(Number),
        lastUsedAt: null,
        expiresAt: null,
        revokedAt: revoked.out.revokedAt,
      },
    ],
  });

  const store = await openStore(databaseUrl);
  const stored = await store.getApiKeyByHash(hashApiKey(key.out.key));
  expect(stored).toMatchObject({
    id: key.out.id,
    dashboardId: dashboard.out.id,
    revokedAt: revoked.out.revokedAt,
  });
  await store.close();
}, 120_000);

it('makes scoped keys and lists the activity log with the CLI as the actor', async () => {
  await cli(
    'user',
    'create',
    '--email',
    'bo@example.com',
    '--password',
    'a long password',
    '--name',
    'Bo',
  );
  const dashboard = await cli('dashboard', 'create', '--owner', 'bo@example.com', '--name', 'Yard');
  const id = dashboard.out.id;
  const bucket = await cli('bucket', 'create', '--dashboard', id, '--name', 'T', '--type', 'IV');
  const key = await cli(
    'key',
    'create',
    '--dashboard',
    id,
    '--name',
    'ingest',
    '--type',
    'production',
    '--scopes',
    'write',
    '--buckets',
    bucket.out.id,
  );
  expect(key.out).toMatchObject({
    scopes: ['write'],
    bucketIds: [bucket.out.id],
    summary: 'write',
  });
  const empty = await cli(
    'key',
    'create',
    '--dashboard',
    id,
    '--name',
    'x',
    '--type',
    'production',
    '--scopes',
    'admin',
  );
  expect(empty.code).not.toBe(0);
  expect(empty.out.error).toBe('invalid_input');

  const log = await cli('activity', 'list', '--dashboard', id);
  expect(log.out.entries.map((e: { action: string }) => e.action)).toEqual([
    'key.created',
    'bucket.created',
  ]);
  expect(log.out.entries[0]).toMatchObject({
    actor: { type: 'cli', id: null, label: 'admin CLI' },
    target: { type: 'key', id: key.out.id },
    address: null,
  });
  const paged = await cli('activity', 'list', '--dashboard', id, '--limit', '1');
  expect(paged.out.entries).toHaveLength(1);
  const next = await cli(
    'activity',
    'list',
    '--dashboard',
    id,
    '--limit',
    '1',
    '--cursor',
    paged.out.nextCursor,
  );
  expect(next.out.entries[0].action).toBe('bucket.created');
  expect((await cli('activity', 'list', '--dashboard', id, '--action', 'nope')).out.error).toBe(
    'invalid_input',
  );
}, 120_000);

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
  expect(await cli('key')).toMatchObject({
    code: 1,
    out: { error: 'invalid_input', message: expect.stringContaining('create, list, revoke') },
  });
  expect(await cli('key', 'list', '--dashboard', 'x', '--frobnicate', 'y')).toMatchObject({
    code: 1,
    out: { error: 'invalid_input', message: expect.stringContaining("'--frobnicate'") },
  });
  expect(await cli('key', 'list', '--dashboard', 'nope')).toMatchObject({
    code: 1,
    out: { error: 'not_found' },
  });
  expect(await cli('dashboard', 'list', '--user', 'nobody@example.com')).toMatchObject({
    code: 1,
    out: { error: 'not_found' },
  });
}, 120_000);

it('prints usage for the CLI, each noun and each command', async () => {
  const all = await usage('--help');
  for (const command of [
    'user create',
    'dashboard list',
    'bucket list',
    'key list',
    'key revoke',
    'activity list',
  ]) {
    expect(all).toContain(`  ${command} `);
  }
  expect(await usage()).toBe(all);
  const keyHelp = await usage('key', '--help');
  expect(keyHelp).toContain(
    'bucketgrid key create --dashboard ID --name NAME --type TYPE [--scopes LIST] [--buckets IDS]\n',
  );
  expect(keyHelp).toContain('bucketgrid key revoke --id ID\n');
  expect(await usage('dashboard', 'create', '-h')).toContain(
    'Usage: bucketgrid dashboard create --owner EMAIL --name NAME [--slug SLUG] [--retention N]\n',
  );
}, 120_000);
