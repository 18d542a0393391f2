import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import { StoreUnavailable } from '../src/store.ts';
import { contractContext } from './contract/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-locking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newPath = () => join(dir, `locking-${++files}.db`);

describe('a SQLite file another process holds locked', () => {
  it('raises StoreUnavailable after the timeout, and works once the lock is gone', async () => {
    const path = newPath();
    const store = await openStore(`file:${path}`, { timeoutMs: 50 });
    const t = contractContext(() => store);
    const bucket = await t.makeBucket('IV');
    // Another connection (as the CLI, or the sqlite3 shell, would be) holds the write lock.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.upsertRecords(bucket, [t.rec(1, { 1: 1 })], 'merge')).rejects.toEqual(
        new StoreUnavailable('the database is locked (SQLITE_BUSY)'),
      );
      await expect(t.makeUser()).rejects.toBeInstanceOf(StoreUnavailable);
      // Reads go on: WAL lets them past a writer.
      expect(await store.getBucket(bucket.id)).toMatchObject({ recordCount: 0 });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await store.upsertRecords(bucket, [t.rec(1, { 1: 1 })], 'merge');
    expect(await t.readAll(bucket)).toEqual([t.rec(1, { 1: 1 })]);
    await store.close();
  });
});

describe('the server lock', () => {
  it('lets one server store open a file; tools share it; a closed server frees it', async () => {
    const url = `file:${newPath()}`;
    const server = await openStore(url, { asServer: true });
    await expect(openStore(url, { asServer: true })).rejects.toThrow(
      /Another Bucketgrid server is using .*locking-\d+\.db/,
    );
    const tool = await openStore(url);
    const user = await contractContext(() => tool).makeUser();
    expect(await server.getUserById(user.id)).toEqual(user);
    await tool.close();
    await server.close();
    const next = await openStore(url, { asServer: true });
    await next.close();
  });
});
