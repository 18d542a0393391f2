import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Downsampled } from '@bucketgrid/shared';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import type { Bucket, Store } from '../src/store.ts';
import { FIXTURE_BUCKETS, type FixtureBucket, fixtureReads, readAll } from './migration/fixture.ts';
import { createTestDatabase } from './test-database.ts';

/**
 * The in-place migration to the chunk layout (docs/storage.md, "Migration"), on a database
 * written by main's one-row-per-record layout (test/migration/make-fixture.ts made it): the
 * store opens it at once and reads it unchanged, upkeep seals it in bounded steps while
 * reads and writes go on, and a store closed half way resumes where it stopped.
 */
const here = new URL('./migration/', import.meta.url).pathname;
const fixture = JSON.parse(readFileSync(join(here, 'main-layout.json'), 'utf8')) as {
  buckets: Record<FixtureBucket, string>;
  reads: Record<string, string | number | Downsampled>;
};

const database = createTestDatabase('migration');
afterAll(() => database.destroy());
const path = database.url.slice('file:'.length);

/** The same answer, sums added in another order allowed to differ in their last bits. */
function expectSameDownsampled(actual: Downsampled, expected: Downsampled, label: string) {
  expect({ ...actual, series: undefined }, label).toEqual({ ...expected, series: undefined });
  expect(Object.keys(actual.series), label).toEqual(Object.keys(expected.series));
  for (const [sk, columns] of Object.entries(expected.series)) {
    for (const figure of ['min', 'max', 'avg', 'last'] as const) {
      const got = actual.series[Number(sk)]![figure];
      columns[figure].forEach((value, i) => {
        if (value === null) expect(got[i], label).toBeNull();
        else
          expect(Math.abs(got[i]! - value), `${label} ${sk} ${figure}[${i}]`).toBeLessThanOrEqual(
            Math.abs(value) * 1e-12,
          );
      });
    }
  }
}

async function expectFixtureReads(
  store: Store,
  buckets: Record<FixtureBucket, Bucket>,
  when: string,
) {
  const reads = await fixtureReads(store, buckets);
  for (const [name, expected] of Object.entries(fixture.reads)) {
    if (typeof expected === 'object')
      expectSameDownsampled(reads[name] as Downsampled, expected, `${when}: ${name}`);
    else expect(reads[name], `${when}: ${name}`).toBe(expected);
  }
}

async function bucketsOf(store: Store) {
  const entries = await Promise.all(
    FIXTURE_BUCKETS.map(
      async (name) => [name, (await store.getBucket(fixture.buckets[name]))!] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<FixtureBucket, Bucket>;
}

function layout() {
  const db = new Database(path, { readonly: true });
  try {
    return {
      chunks: db.prepare('SELECT count(*) FROM series_chunks').pluck().get() as number,
      sealed: db
        .prepare('SELECT coalesce(sum(count), 0) FROM series_chunks')
        .pluck()
        .get() as number,
      rows: db.prepare('SELECT count(*) FROM records').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

describe('migrating a database of the one-row-per-record layout in place', () => {
  it('opens it at once, seals it in bounded steps while serving, and resumes after a restart', {
    timeout: 120_000,
  }, async () => {
    writeFileSync(path, gunzipSync(readFileSync(join(here, 'main-layout.db.gz'))));
    let store = await openStore(database.url, { readerThreads: 0, seriesChunks: true });
    let buckets = await bucketsOf(store);
    // Opening migrates the schema only: every record is still a row, and reads as before.
    expect(layout()).toEqual({ chunks: 0, sealed: 0, rows: 19_491 + 3_002 + 200 });
    await expectFixtureReads(store, buckets, 'opened');

    // Two upkeep steps, reads between them, then a restart half way.
    for (let step = 0; step < 2; step++) {
      await store.maintain(Date.now() + 60_000);
      await expectFixtureReads(store, buckets, `step ${step + 1}`);
    }
    const halfWay = layout();
    expect(halfWay.chunks).toBeGreaterThan(0);
    expect(halfWay.sealed).toBeLessThan(19_491);
    await store.close();

    store = await openStore(database.url, { readerThreads: 0, seriesChunks: true });
    buckets = await bucketsOf(store);
    expect(layout()).toEqual(halfWay);
    let steps = 0;
    while ((await store.maintain(Date.now() + 60_000)).more) {
      steps++;
      expect(steps).toBeLessThan(1_000);
    }
    const done = layout();
    // The TSV bucket sealed up to its last chunk's worth; the smaller buckets stay rows.
    expect(done.sealed).toBeGreaterThan(19_491 - 4_097);
    expect(done.rows).toBe(19_491 + 3_002 + 200 - done.sealed);
    await expectFixtureReads(store, buckets, 'sealed');

    // Writes into the sealed range keep their exact counts.
    const [first] = await readAll(store, buckets.tsv, 'asc');
    const result = await store.upsertRecords(
      buckets.tsv,
      [
        { key: first!.key, values: { 9: 1 } },
        { key: (first!.key as number) + 1, values: { 9: 2 } },
      ],
      'merge',
    );
    expect(result).toEqual({ inserted: 1, updated: 1 });
    const page = await store.readRecords(buckets.tsv, { order: 'asc', limit: 2 });
    expect(page.records).toEqual([
      { key: first!.key, values: { ...first!.values, 9: 1 } },
      { key: (first!.key as number) + 1, values: { 9: 2 } },
    ]);
    await store.close();
  });
});
