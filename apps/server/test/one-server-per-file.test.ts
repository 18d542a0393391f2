import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openStore } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, describe, expect, it } from 'vitest';
import { call, provision } from './helpers.ts';
import { nextLog, spawnServer, startServerProcess, stopServerProcess } from './server-process.ts';

/*
 * What the SQLite store promises about processes: one server process per database file
 * (enforced), any number of short-lived tools (the admin CLI) beside it. MongoDB serves any
 * number of server processes, so this is about SQLite only.
 */
const database = createTestDatabase('one-server');
afterAll(() => database.destroy());

const cliMain = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));
async function cli(...args: string[]): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', cliMain, ...args],
    { env: { ...process.env, DATABASE_URL: database.url } },
  );
  return JSON.parse(stdout);
}

describe.skipIf(database.backend !== 'sqlite')('one server process per SQLite file', () => {
  it('refuses a second server, lets the CLI work beside the first (its revocations felt at once), and frees the file when it dies', async () => {
    const first = await startServerProcess(database.url);

    const second = spawnServer(database.url);
    const refusal = await nextLog(second, 'cannot open the store');
    expect(refusal).toMatchObject({ level: 'error' });
    expect(refusal.error).toMatch(/Another Bucketgrid server is using .*one-server\.db/);
    expect(await second.exited).toBe(1);

    // Tools share the file with the running server: a store opened beside it (as a script
    // would), and the real CLI process, whose key the server accepts at once.
    const tool = await openStore(database.url);
    const { dashboard, bucket } = await provision(tool, 'IV');
    await tool.close();
    const created = await cli(
      'key',
      'create',
      '--dashboard',
      dashboard.id,
      '--name',
      'gateway',
      '--type',
      'production',
    );
    const key = created.key!;
    const written = await call(`${first.url}/api/buckets/${bucket.id}`, {
      method: 'POST',
      key,
      body: [{ k: 1, d: [{ sk: 1, v: 1 }] }],
    });
    expect(written.status).toBe(200);

    // A crash releases the file: the operating system drops the lock with the process.
    first.child.kill('SIGKILL');
    await first.exited;
    const next = await startServerProcess(database.url);
    expect((await call(`${next.url}/api/buckets/${bucket.id}`, { key })).json.records).toHaveLength(
      1,
    );

    // The server keeps the key in memory now; the CLI revoking it is still felt at once.
    await cli('key', 'revoke', '--id', created.id!);
    const refused = await call(`${next.url}/api/buckets/${bucket.id}`, { key });
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('revoked_api_key');
    expect(await stopServerProcess(next)).toBe(0);
  }, 60_000);
});
