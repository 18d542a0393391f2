import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import { settleUpkeep } from './contract/context.ts';
import { createTestDatabase } from './test-database.ts';

/*
 * What the contract suite cannot see from outside: which path a write into sealed history
 * takes (docs/storage.md, "Write paths"). Keys between two chunks become one more raw chunk;
 * a key a chunk already holds rewrites that chunk, and counts as an update.
 */

const database = createTestDatabase('chunks');
afterAll(() => database.destroy());
const path = database.url.slice('file:'.length);

function chunks() {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(
        'SELECT first_key AS first, last_key AS last, count, raw FROM series_chunks ORDER BY first_key',
      )
      .all();
  } finally {
    db.close();
  }
}

it('puts a late request between two chunks as its own chunk, and rewrites a chunk it overlaps', async () => {
  // headRecords 0: every write is encoded at once, so each request below is one chunk.
  const store = await openStore(database.url, {
    readerThreads: 0,
    seriesChunks: true,
    headRecords: 0,
  });
  const user = await store.createUser({
    email: 'c@d.e',
    name: 'c',
    workspace: 'c',
    passwordHash: 'h',
  });
  const dashboard = await store.createDashboard({
    ownerId: user.id,
    workspace: 'c',
    slug: 'c',
    name: 'c',
    retention: 1_000,
  });
  const bucket = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'IV' });
  const keys = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ key: from + i, values: { 1: from + i } }));
  await store.upsertRecords(bucket, keys(10, 19), 'merge');
  await store.upsertRecords(bucket, keys(30, 39), 'merge');
  expect(chunks()).toEqual([
    { first: 10, last: 19, count: 10, raw: 0 },
    { first: 30, last: 39, count: 10, raw: 0 },
  ]);

  // Up to the key before the next chunk: a gap, one more (raw) chunk, nothing rewritten.
  expect(await store.upsertRecords(bucket, keys(20, 29), 'merge')).toEqual({
    inserted: 10,
    updated: 0,
  });
  expect(chunks()).toEqual([
    { first: 10, last: 19, count: 10, raw: 0 },
    { first: 20, last: 29, count: 10, raw: 1 },
    { first: 30, last: 39, count: 10, raw: 0 },
  ]);
  // Before every chunk, up to the first chunk's first key: that chunk is rewritten with the
  // new key, and its own key is an update.
  expect(
    await store.upsertRecords(
      bucket,
      [
        { key: 5, values: { 2: 5 } },
        { key: 10, values: { 2: 10 } },
      ],
      'merge',
    ),
  ).toEqual({ inserted: 1, updated: 1 });
  const stored = chunks() as { first: number; last: number; count: number }[];
  for (let i = 1; i < stored.length; i++) {
    expect(stored[i]!.first).toBeGreaterThan(stored[i - 1]!.last);
  }
  expect(stored.reduce((sum, chunk) => sum + chunk.count, 0)).toBe(31);

  const { records } = await store.readRecords(bucket, { order: 'asc', limit: 100 });
  expect(records.map((record) => record.key)).toEqual([
    5,
    ...keys(10, 39).map((record) => record.key),
  ]);
  expect(records.find((record) => record.key === 10)?.values).toEqual({ 1: 10, 2: 10 });
  expect((await store.getBucket(bucket.id))?.recordCount).toBe(31);
  await store.close();
});

it('encodes a raw chunk left between encoded ones, so it never blocks later compaction', async () => {
  const url = `${database.url.slice(0, -3)}-isolated.db`;
  let store = await openStore(url, { readerThreads: 0, seriesChunks: true, headRecords: 0 });
  const user = await store.createUser({
    email: 'i@d.e',
    name: 'i',
    workspace: 'i',
    passwordHash: 'h',
  });
  const dashboard = await store.createDashboard({
    ownerId: user.id,
    workspace: 'i',
    slug: 'i',
    name: 'i',
    retention: 100_000,
  });
  const bucket = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'IV' });
  const keys = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ key: from + i, values: { 1: from + i } }));
  await store.upsertRecords(bucket, keys(0, 999), 'merge');
  await store.upsertRecords(bucket, keys(2_000, 2_999), 'merge');
  // Between two encoded chunks: a raw chunk of its own.
  await store.upsertRecords(bucket, keys(1_000, 1_099), 'merge');
  await store.close();

  store = await openStore(url, { readerThreads: 0, seriesChunks: true });
  await store.upsertRecords(bucket, keys(10_000, 19_999), 'merge');
  await settleUpkeep(store);
  const db = new Database(url.slice('file:'.length), { readonly: true });
  try {
    const raw = db
      .prepare('SELECT first_key AS first, count FROM series_chunks WHERE raw = 1')
      .all();
    // Only the newest cell's records may wait raw.
    expect(raw).toEqual([{ first: 19_000, count: 1_000 }]);
  } finally {
    db.close();
  }
  const { records } = await store.readRecords(bucket, { order: 'asc', limit: 20_000 });
  expect(records.map((record) => record.key)).toEqual(
    [...keys(0, 1_099), ...keys(2_000, 2_999), ...keys(10_000, 19_999)].map((record) => record.key),
  );
  await store.close();
});
