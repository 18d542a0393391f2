import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import type { Store } from '../src/store.ts';
import { SWEEP_BATCH } from '../src/sweep.ts';
import { settleUpkeep } from './contract/context.ts';
import { ownedDashboard } from './owned-dashboard.ts';

/*
 * What the contract suite cannot do: stop the process in the middle of a sweep. Closing the
 * store between two upkeep steps leaves the database as a crash there would (each step is
 * one transaction); the sweep must resume from it when the store opens again.
 */

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-sweep-'));
const path = join(dir, 'sweep.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RECORDS = 3 * SWEEP_BATCH;

/** What the database still holds of deleted buckets (records: rows and sealed), read beside the store. */
function leftovers(): { records: number; figures: number; marks: number } {
  const db = new Database(path, { readonly: true });
  try {
    const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
    const orphan = 'bucket NOT IN (SELECT rowid FROM buckets)';
    return {
      records:
        count(`SELECT count(*) FROM records WHERE ${orphan}`) +
        count(`SELECT sum(count) FROM series_chunks WHERE ${orphan}`),
      figures:
        count(`SELECT count(*) FROM aggregates WHERE ${orphan}`) +
        count(`SELECT count(*) FROM aggregate_dirty WHERE ${orphan}`),
      marks: count('SELECT count(*) FROM deleted_buckets'),
    };
  } finally {
    db.close();
  }
}

async function dashboardWithRecords(store: Store, name: string) {
  const dashboard = await ownedDashboard(store, name);
  for (const type of ['TSV', 'IV'] as const) {
    const bucket = await store.createBucket({ dashboardId: dashboard.id, name: type, type });
    const records = Array.from({ length: RECORDS }, (_, i) => ({ key: i, values: { 1: i } }));
    await store.upsertRecords(bucket, records, 'merge');
  }
  return dashboard;
}

// Two stores and 60,000 records: seconds on a busy machine.
it('resumes a sweep after the process stopped in the middle of it', {
  timeout: 60_000,
}, async () => {
  let store = await openStore(`file:${path}`, { seriesChunks: true });
  const gone = await dashboardWithRecords(store, 'gone');
  const kept = await dashboardWithRecords(store, 'kept');
  await settleUpkeep(store); // figures built, so there are figures to sweep too
  await store.deleteDashboard(gone.id);
  expect(leftovers()).toMatchObject({ records: 2 * RECORDS, marks: 2 });
  expect(leftovers().figures).toBeGreaterThan(0);

  // Two steps of the sweep, then the process stops. A step removes rows, then whole sealed
  // chunks while they fit in its batch.
  let swept = 0;
  for (let step = 0; step < 2; step++) {
    const result = await store.maintain();
    expect(result.swept).toBeGreaterThan(0);
    expect(result.swept).toBeLessThanOrEqual(SWEEP_BATCH);
    swept += result.swept;
  }
  await store.close();
  expect(leftovers()).toMatchObject({ records: 2 * RECORDS - swept, marks: 2 });

  store = await openStore(`file:${path}`, { seriesChunks: true });
  try {
    await settleUpkeep(store);
    expect(leftovers()).toEqual({ records: 0, figures: 0, marks: 0 });
    // The other dashboard's records are all there.
    for (const bucket of await store.listBuckets(kept.id)) {
      expect(bucket.recordCount).toBe(RECORDS);
      const { records } = await store.readRecords(bucket, { order: 'asc', limit: RECORDS + 1 });
      expect(records).toHaveLength(RECORDS);
    }
  } finally {
    await store.close();
  }
});
