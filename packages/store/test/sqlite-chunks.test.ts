import { type DataRecord, parseRecordBatchText } from '@bucketgrid/shared';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import type { Store } from '../src/store.ts';
import { settleUpkeep } from './contract/context.ts';
import { ownedDashboard } from './owned-dashboard.ts';
import { seededRandom } from './seeded-random.ts';
import { createTestDatabase } from './test-database.ts';

/*
 * What the contract suite cannot see from outside: which path a write into sealed history
 * takes (docs/storage.md, "Write paths"). Keys between two chunks become one more raw chunk;
 * a key a chunk already holds rewrites that chunk, and counts as an update.
 */

const database = createTestDatabase('chunks');
afterAll(() => database.destroy());
const path = database.url.slice('file:'.length);
/** An IV bucket named `b` in a dashboard of its own keeping `retention` records. */
async function ivBucket(store: Store, name: string, retention: number) {
  const dashboard = await ownedDashboard(store, name, retention);
  return store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'IV' });
}

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

/** A database of the test's own beside the suite's (`name` tells it apart): its URL and file. */
function ownDatabase(name: string): { url: string; file: string } {
  const url = `${database.url.slice(0, -3)}-${name}.db`;
  return { url, file: url.slice('file:'.length) };
}

/** One value a query gives on the database file at `file`, read beside the store. */
function scalar(file: string, query: string, ...parameters: unknown[]): number {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(query)
      .pluck()
      .get(...parameters) as number;
  } finally {
    db.close();
  }
}

/** Of the chunks of the bucket with this id. */
const OF_BUCKET = 'bucket = (SELECT rowid FROM buckets WHERE id = ?)';

it('puts a late request between two chunks as its own chunk, and rewrites a chunk it overlaps', async () => {
  // headRecords 0: every write is encoded at once, so each request below is one chunk.
  const store = await openStore(database.url, {
    readerThreads: 0,
    seriesChunks: true,
    headRecords: 0,
  });
  const bucket = await ivBucket(store, 'c', 1_000);
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
  const { url, file } = ownDatabase('isolated');
  let store = await openStore(url, { readerThreads: 0, seriesChunks: true, headRecords: 0 });
  const bucket = await ivBucket(store, 'i', 100_000);
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
  const db = new Database(file, { readonly: true });
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

it('writes keys into sealed history as late rows, merges them into reads, and folds them in upkeep', async () => {
  const { url, file } = ownDatabase('late');
  const store = await openStore(url, { readerThreads: 0, seriesChunks: true });
  const bucket = await ivBucket(store, 'l', 100_000);
  const keys = (from: number, to: number, step = 2) =>
    Array.from({ length: (to - from) / step + 1 }, (_, i) => ({
      key: from + i * step,
      values: { 1: from + i * step },
    }));
  await store.upsertRecords(bucket, keys(0, 9_998), 'merge');
  await settleUpkeep(store);
  const inspect = () => {
    const db = new Database(file, { readonly: true });
    try {
      return {
        chunks: db.prepare('SELECT id, stamp FROM series_chunks ORDER BY first_key').all(),
        late: db.prepare('SELECT key, replace, fresh FROM series_late ORDER BY key').all(),
      };
    } finally {
      db.close();
    }
  };
  const sealed = inspect().chunks;

  // Out of order: an existing key merged, one replaced, a new key, a new key twice, and one
  // newer than everything (a row of its own kind: not late).
  const written = await store.upsertRecords(
    bucket,
    [
      { key: 4_000, values: { 2: 1 } },
      { key: 6_000, values: { 2: 2 } },
      { key: 5_001, values: { 1: 7 } },
      { key: 3, values: { 1: 3 } },
      { key: 3, values: { 2: 4 } },
      { key: 20_000, values: { 1: 20_000 } },
    ],
    'merge',
  );
  expect(written).toEqual({ inserted: 3, updated: 3 });
  expect(await store.upsertRecords(bucket, [{ key: 6_000, values: { 3: 3 } }], 'replace')).toEqual({
    inserted: 0,
    updated: 1,
  });
  // No chunk was rewritten: the late keys are rows of series_late.
  expect(inspect().chunks.slice(0, sealed.length)).toEqual(sealed);
  expect(inspect().late).toEqual([
    { key: 3, replace: 0, fresh: 1 },
    { key: 4_000, replace: 0, fresh: 0 },
    { key: 5_001, replace: 0, fresh: 1 },
    { key: 6_000, replace: 1, fresh: 0 },
  ]);

  const expected = [...keys(0, 9_998), { key: 20_000, values: { 1: 20_000 } }]
    .map((record) =>
      record.key === 4_000
        ? { key: 4_000, values: { 1: 4_000, 2: 1 } }
        : record.key === 6_000
          ? { key: 6_000, values: { 3: 3 } }
          : record,
    )
    .concat([
      { key: 3, values: { 1: 3, 2: 4 } },
      { key: 5_001, values: { 1: 7 } },
    ])
    .sort((a, b) => a.key - b.key);
  const check = async () => {
    const asc = await store.readRecords(bucket, { order: 'asc', limit: 10_000 });
    expect(asc.records).toEqual(expected);
    const desc = await store.readRecords(bucket, { order: 'desc', limit: 10, from: 0, to: 5_001 });
    expect(desc.records).toEqual(
      expected
        .filter((r) => r.key <= 5_001)
        .reverse()
        .slice(0, 10),
    );
    const points = await store.downsampleRecords(bucket, { points: 4, from: 0, to: 20_000 });
    expect(points.count.reduce((sum, n) => sum + n, 0)).toBe(expected.length);
    expect((await store.getBucket(bucket.id))?.recordCount).toBe(expected.length);
  };
  await check();

  // A late insert deleted by key counts once; a range delete counts late inserts too.
  expect(await store.deleteRecords(bucket, { keys: [3, 4] })).toBe(2);
  expect(await store.deleteRecords(bucket, { from: 5_000, to: 5_002 })).toBe(3);
  expected.splice(
    0,
    expected.length,
    ...expected.filter((r) => r.key !== 3 && r.key !== 4 && (r.key < 5_000 || r.key > 5_002)),
  );
  await check();

  await settleUpkeep(store);
  expect(inspect().late).toEqual([]);
  await check();
  await store.close();
});

it('trims by retention the smallest keys whether in chunks or late rows', async () => {
  const { url, file } = ownDatabase('late-retention');
  const store = await openStore(url, { readerThreads: 0 });
  const bucket = await ivBucket(store, 'r', 3_000);
  const even = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({ key: from + 2 * i, values: { 1: from + 2 * i } }));
  await store.upsertRecords(bucket, even(1_000, 2_500), 'merge');
  await settleUpkeep(store);
  // Odd keys inside the oldest chunk's range: late rows, and the smallest keys but one.
  const late = [1_001, 1_003, 1_005].map((key) => ({ key, values: { 1: key } }));
  expect(await store.upsertRecords(bucket, late, 'merge')).toEqual({ inserted: 3, updated: 0 });
  const lateRows = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM series_late').pluck().get();
    } finally {
      db.close();
    }
  };
  expect(lateRows()).toBe(3);

  // 600 newer records: 103 over the retention, so the 103 smallest keys go.
  await store.upsertRecords(bucket, even(6_000, 600), 'merge');
  const kept = [...even(1_000, 2_500), ...late, ...even(6_000, 600)]
    .sort((a, b) => a.key - b.key)
    .slice(103);
  const { records } = await store.readRecords(bucket, { order: 'asc', limit: 5_000 });
  expect(records).toEqual(kept);
  expect((await store.getBucket(bucket.id))?.recordCount).toBe(3_000);
  expect(lateRows()).toBe(0);
  await store.close();
});

it('reads raw chunks back from the database in both of their forms: JSON text and encoded', async () => {
  const url = `${database.url}-raw-forms`;
  // A reader thread decodes from the database: the writer's memory of its raw chunks is not there.
  const store = await openStore(url, { readerThreads: 1, seriesChunks: true });
  try {
    const bucket = await ivBucket(store, 'r', 100_000);
    const body = (from: number, count: number) =>
      JSON.stringify(
        Array.from({ length: count }, (_, i) => ({
          k: from + i,
          d: [{ sk: 1, v: (from + i) / 4 }, ...(i % 3 === 0 ? [{ sk: 9, v: null }] : [])],
        })),
      );
    const written: DataRecord[] = [];
    // 700 records (encoded at once, their tail raw and encoded), 3 (raw, text), 40 (raw, encoded).
    for (const [from, count] of [
      [1, 700],
      [2_000, 3],
      [3_000, 40],
    ] as const) {
      const records = parseRecordBatchText(body(from, count), 'IV')!;
      written.push(...records.map(({ key, values }) => ({ key, values })));
      await store.upsertRecords(bucket, records, 'merge');
    }
    const db = new Database(url.slice('file:'.length), { readonly: true });
    const forms = db
      .prepare(
        'SELECT typeof(data) AS form, count FROM series_chunks WHERE raw = 1 ORDER BY first_key',
      )
      .all();
    db.close();
    expect(forms).toContainEqual({ form: 'text', count: 3 });
    expect(forms).toContainEqual({ form: 'blob', count: 40 });
    const read = await store.readRecords(bucket, { order: 'asc', limit: 10_000 });
    // Plain records, as written: none of the parser's (they refer to their whole request).
    expect(read.records).toStrictEqual(written);
  } finally {
    await store.close();
  }
});

it('gathers one-record writes as rows, a raw chunk every 64, through retention trims and deletes', async () => {
  const store = await openStore(database.url, { readerThreads: 0, seriesChunks: true });
  const bucket = await ivBucket(store, 'small', 100);
  const rawChunks = () =>
    scalar(path, `SELECT count(*) FROM series_chunks WHERE raw = 1 AND ${OF_BUCKET}`, bucket.id);
  const rows = () => scalar(path, `SELECT count(*) FROM records WHERE ${OF_BUCKET}`, bucket.id);
  // The model: every key written, the smallest trimmed when over retention, at most as many
  // as a write inserted.
  let kept: number[] = [];
  const write = async (...keys: number[]) => {
    const records = keys.map((key) => ({ key, values: { 1: key, 2: -key } }));
    await store.upsertRecords(bucket, records, 'merge');
    kept.push(...keys);
    kept.sort((a, b) => a - b);
    kept = kept.slice(Math.max(0, kept.length - 100));
  };
  for (let key = 1; key <= 130; key++) await write(key);
  // Two heads of 64 rows became a raw chunk each; two rows wait for more.
  expect([rawChunks(), rows()]).toEqual([2, 2]);
  await store.deleteRecords(bucket, { from: 100, to: 105 });
  kept = kept.filter((key) => key < 100 || key > 105);
  for (let key = 131; key <= 260; key++) await write(key);
  expect(rows()).toBeLessThan(64);
  // A larger write takes the head into a raw chunk first; one older than the head's newest
  // row joins the rows instead.
  await write(261, 262, 263);
  const chunksBefore = rawChunks();
  await write(...Array.from({ length: 10 }, (_, i) => 270 + i));
  expect(rows()).toBe(0);
  expect(rawChunks()).toBe(chunksBefore + 2);
  await write(290, 291);
  await write(...Array.from({ length: 10 }, (_, i) => 280 + i));
  expect(rows()).toBe(12);

  const read = await store.readRecords(bucket, { order: 'asc', limit: 1_000 });
  expect(read.records.map((record) => record.key)).toEqual(kept);
  expect(read.records.at(-1)).toEqual({ key: 291, values: { 1: 291, 2: -291 } });
  expect((await store.getBucket(bucket.id))!.recordCount).toBe(kept.length);
  const downsampled = await store.downsampleRecords(bucket, { points: 10 });
  expect(downsampled.count.reduce((sum, n) => sum + n, 0)).toBe(kept.length);
  expect(Math.max(...(downsampled.series[1]!.max as number[]))).toBe(291);
  expect(Math.min(...(downsampled.series[1]!.min as number[]))).toBe(kept[0]);
  // Upkeep leaves a small head to the writes.
  await settleUpkeep(store);
  expect(rows()).toBe(12);

  // Requests of 40 records are raw chunks, merged as a run of small ones: a merge stops at a
  // chunk's most records.
  const big = await ivBucket(store, 'small-40', 1_000_000);
  for (let request = 0; request < 64; request++) {
    const records = Array.from({ length: 40 }, (_, i) => ({
      key: request * 40 + i,
      values: { 1: i },
    }));
    await store.upsertRecords(big, records, 'merge');
  }
  const largest = scalar(path, `SELECT max(count) FROM series_chunks WHERE ${OF_BUCKET}`, big.id);
  expect(largest).toBeGreaterThan(40);
  expect(largest).toBeLessThanOrEqual(2_048);
  expect((await store.readRecords(big, { order: 'asc', limit: 5_000 })).records).toHaveLength(
    2_560,
  );
  await store.close();
});

it('folds the excess of late rows past their bound by sweeping the keys, and reads stay exact', async () => {
  const { url, file } = ownDatabase('sweep');
  const store = await openStore(url, { readerThreads: 0, seriesChunks: true });
  const bucket = await ivBucket(store, 'sweep', 1_000_000);
  const random = seededRandom(18);
  const model = new Map<number, number>();
  const even = Array.from({ length: 40_000 }, (_, i) => ({ key: i * 2, values: { 1: i * 2 } }));
  for (let i = 0; i < even.length; i += 10_000) {
    await store.upsertRecords(bucket, even.slice(i, i + 10_000), 'merge');
  }
  for (const { key } of even) model.set(key, key);
  await settleUpkeep(store);
  const lateRows = () => scalar(file, 'SELECT count(*) FROM series_late');
  // 40 requests of 1,000 keys at random in the sealed history, new (odd) or existing (even):
  // past 16,384 late rows each write folds its excess itself, and the sweep wraps around.
  for (let request = 0; request < 40; request++) {
    const records = Array.from({ length: 1_000 }, () => {
      const key = Math.floor(random() * 79_998);
      return { key, values: { 1: -key - request } };
    });
    await store.upsertRecords(bucket, records, 'replace');
    for (const { key, values } of records) model.set(key, values[1]);
    expect(lateRows()).toBeLessThanOrEqual(16_384);
  }
  expect(lateRows()).toBeGreaterThan(15_000);
  const read = await store.readRecords(bucket, { order: 'asc', limit: 100_000 });
  const expected = [...model].sort((a, b) => a[0] - b[0]);
  expect(read.records.map((record) => [record.key, record.values[1]])).toEqual(expected);
  expect((await store.getBucket(bucket.id))!.recordCount).toBe(model.size);
  await store.close();
});
