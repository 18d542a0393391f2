import { createHash } from 'node:crypto';
import type { DataRecord, Downsampled } from '@bucketgrid/shared';
import type { Bucket, Store } from '../../src/store.ts';

/**
 * What the migration test's database holds, written through the public Store API so that any
 * checkout can make it: `node --import tsx test/migration/make-fixture.ts` on the layout to
 * migrate from wrote `main-layout.db.gz` and `main-layout.json` (its reads, as digests).
 */
export const FIXTURE_BUCKETS = ['tsv', 'iv', 'kv'] as const;
export type FixtureBucket = (typeof FIXTURE_BUCKETS)[number];

const START = Date.UTC(2025, 0, 1);
export const TSV_RECORDS = 20_000;

/** Writes the buckets' records: merges, replacements, deletions, late and repeated keys. */
export async function fillFixture(store: Store, buckets: Record<FixtureBucket, Bucket>) {
  const { tsv, iv, kv } = buckets;
  for (let i = 0; i < TSV_RECORDS; i += 1_000) {
    const batch: DataRecord[] = [];
    for (let j = i; j < i + 1_000; j++) {
      batch.push({
        key: START + j * 1_000,
        values: {
          1: Math.round(Math.sin(j / 300) * 10_000) / 100,
          2: j % 7 === 0 ? null : j,
          3: j % 50,
        },
      });
    }
    await store.upsertRecords(tsv, batch, 'merge');
  }
  // Merges into and replacements of old keys, a deleted range and deleted keys.
  await store.upsertRecords(
    tsv,
    Array.from({ length: 300 }, (_, j) => ({ key: START + j * 61_000, values: { 4: j } })),
    'merge',
  );
  await store.upsertRecords(
    tsv,
    Array.from({ length: 100 }, (_, j) => ({ key: START + j * 97_000 + 500, values: { 1: -j } })),
    'replace',
  );
  await store.deleteRecords(tsv, { from: START + 5_000_000, to: START + 5_600_000 });
  await store.deleteRecords(tsv, { keys: [START + 9_000, START + 10_000, START + 10_500] });

  const edge = Number.MAX_SAFE_INTEGER;
  await store.upsertRecords(
    iv,
    [
      { key: -edge, values: { 1: 1 } },
      ...Array.from({ length: 3_000 }, (_, j) => ({
        key: j * 3 - 4_000,
        values: { 1: j / 8, 2: -j },
      })),
      { key: edge, values: { 2: 2.5 } },
    ],
    'merge',
  );
  await store.upsertRecords(
    kv,
    Array.from({ length: 200 }, (_, j) => ({ key: `k${j}`, values: { 1: j } })),
    'merge',
  );
}

/** A digest of JSON text: the fixture keeps digests, not a megabyte of records. */
export const digest = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Every record of the bucket by pages of 1,000 through the cursor, in the order asked. */
export async function readAll(store: Store, bucket: Bucket, order: 'asc' | 'desc') {
  const all: DataRecord[] = [];
  let after: DataRecord['key'] | undefined;
  for (;;) {
    const page = await store.readRecords(bucket, { order, limit: 1_000, after });
    all.push(...page.records);
    if (!page.hasMore) return all;
    after = page.records.at(-1)!.key;
  }
}

/**
 * The reads the migration must keep: digests of the records both ways, and each bucket's
 * whole range as 100 points in full (sums may differ in their last bits: figures are added in
 * another order once records are sealed, so the test compares them within a tolerance).
 */
export async function fixtureReads(store: Store, buckets: Record<FixtureBucket, Bucket>) {
  const reads: Record<string, string | number | Downsampled> = {};
  for (const name of FIXTURE_BUCKETS) {
    const bucket = buckets[name];
    const asc = await readAll(store, bucket, 'asc');
    reads[`${name} count`] = asc.length;
    reads[`${name} asc`] = digest(asc.map(sorted));
    reads[`${name} desc`] = digest((await readAll(store, bucket, 'desc')).map(sorted));
    reads[`${name} downsample`] = await store.downsampleRecords(bucket, { points: 100 });
  }
  return reads;
}

/** A record with its series in ascending order (stored JSON text keeps the written order). */
function sorted(record: DataRecord): DataRecord {
  const values: DataRecord['values'] = {};
  for (const sk of Object.keys(record.values)
    .map(Number)
    .sort((a, b) => a - b)) {
    values[sk] = record.values[sk]!;
  }
  return { key: record.key, values };
}
