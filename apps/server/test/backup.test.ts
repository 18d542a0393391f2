import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Bucket, openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../src/log.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { call, provision } from './helpers.ts';

/**
 * `cli backup` against the real server while it writes, and `cli restore` of that backup: the
 * restored database answers every read as the source did at the backup's moment.
 */

const run = promisify(execFile);
const cliMain = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));
const database = createTestDatabase('backup');
const sqlite = database.backend === 'sqlite';
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-backup-'));
let store: Store;
let server: RunningServer;

beforeAll(async () => {
  if (!sqlite) return;
  store = await openStore(database.url, { asServer: true });
  server = await startServer({ store, logger: silentLogger, port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  if (sqlite) {
    await server.close();
    await store.close();
  }
  await database.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI as a user runs it; its exit code and the one JSON object it prints. */
async function cli(databaseUrl: string, ...args: string[]) {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', cliMain, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { code: 0, out: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, out: JSON.parse(failed.stderr) };
  }
}

/** Every record of a bucket, by pages, as a reader sees them. */
async function everything(source: Store, bucket: Bucket) {
  const all = [];
  let after: number | string | undefined;
  for (;;) {
    const { records, hasMore } = await source.readRecords(bucket, {
      order: 'asc',
      limit: 10_000,
      ...(after === undefined ? {} : { after }),
    });
    all.push(...records.map((r) => ({ key: r.key, values: r.values })));
    if (!hasMore) return all;
    after = records.at(-1)!.key;
  }
}

it.skipIf(!sqlite)(
  'a backup taken while writes stream restores to what the source held at its moment',
  async () => {
    const tsv = await provision(store, 'TSV');
    const kv = await provision(store, 'KV');
    const BATCH = 200;
    const acked = { tsv: 0, kv: 0 };
    let writing = true;
    // Two writers, one batch after another: batch n holds keys n*BATCH … n*BATCH+BATCH-1.
    const writer = async (setup: typeof tsv, name: 'tsv' | 'kv') => {
      for (let n = 0; writing; n++) {
        const records = Array.from({ length: BATCH }, (_, i) => {
          const k = n * BATCH + i;
          return {
            k: name === 'tsv' ? 1_760_000_000_000 + k : `key-${String(k).padStart(8, '0')}`,
            d: [
              { sk: 1, v: k },
              { sk: 2, v: n },
            ],
          };
        });
        const answer = await call(`${server.url}/api/buckets/${setup.bucket.id}`, {
          method: 'POST',
          key: setup.key,
          body: records,
        });
        expect(answer.status).toBe(200);
        acked[name] = n + 1;
      }
    };
    const writers = Promise.all([writer(tsv, 'tsv'), writer(kv, 'kv')]);
    await expect.poll(() => Math.min(acked.tsv, acked.kv), { timeout: 60_000 }).toBeGreaterThan(5);

    const before = { ...acked };
    const file = join(dir, 'backup.db');
    const backup = await cli(database.url, 'backup', '--out', file);
    const after = { ...acked };
    expect(backup).toMatchObject({ code: 0, out: { backup: file, pages: expect.any(Number) } });
    // The server kept writing while the copy was made.
    await expect.poll(() => acked.tsv, { timeout: 60_000 }).toBeGreaterThan(after.tsv);
    writing = false;
    await writers;

    // A server holds the source: restoring over it is refused, and changes nothing.
    const refused = await cli(database.url, 'restore', '--from', file);
    expect(refused.code).toBe(1);
    expect(refused.out.message).toContain('Another Bucketgrid server is using');

    const restoredUrl = `file:${join(dir, 'restored.db')}`;
    const restore = await cli(restoredUrl, 'restore', '--from', file);
    expect(restore).toMatchObject({ code: 0, out: { pages: backup.out.pages } });
    const restored = await openStore(restoredUrl);
    try {
      for (const [setup, name] of [
        [tsv, 'tsv'],
        [kv, 'kv'],
      ] as const) {
        const copy = (await restored.getBucket(setup.bucket.id))!;
        const source = (await store.getBucket(setup.bucket.id))!;
        const records = await everything(restored, copy);
        // Whole writes only (each is one commit), every one acknowledged before the backup
        // began, none acknowledged after it ended: the database as one moment left it.
        expect(records.length % BATCH).toBe(0);
        const batches = records.length / BATCH;
        expect(batches).toBeGreaterThanOrEqual(before[name]);
        expect(batches).toBeLessThanOrEqual(after[name] + 1);
        expect(copy.recordCount).toBe(records.length);
        // The source's first `batches` writes, record for record.
        const original = (await everything(store, source)).slice(0, records.length);
        expect(records).toEqual(original);
        // And reads of it answer alike: a downsampled read of the restored range.
        const range = { from: records[0]!.key, to: records.at(-1)!.key, points: 50 };
        expect(await restored.downsampleRecords(copy, range)).toEqual(
          await store.downsampleRecords(source, range),
        );
      }
    } finally {
      await restored.close();
    }
  },
  180_000,
);
