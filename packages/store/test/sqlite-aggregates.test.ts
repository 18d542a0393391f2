import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataRecord } from '@bucketgrid/shared';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import type { Bucket, Store } from '../src/store.ts';
import { settleUpkeep } from './contract/context.ts';
import { expectSameDownsampled, referenceDownsample } from './contract/downsample-reference.ts';

/*
 * What the contract suite cannot see from outside: that reads take whole intervals from the
 * stored figures once upkeep built them, and that an upgraded database builds them.
 */

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-aggregates-'));
const path = join(dir, 'aggregates.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One record a second for an hour, series 1 = i. */
const hour: DataRecord[] = Array.from({ length: 3_600 }, (_, i) => ({
  key: 1_700_000_000_000 + i * 1_000,
  values: { 1: i },
}));

/**
 * A store with the hour written; `asRows`: in reverse key order, which the store keeps as one
 * row per record (the layout before sealed chunks) until upkeep seals them.
 */
async function filled(asRows = false): Promise<{ store: Store; bucket: Bucket }> {
  const store = await openStore(`file:${path}`);
  const user = await store.createUser({
    email: 'a@b.c',
    name: 'a',
    workspace: 'a',
    passwordHash: 'h',
  });
  const dashboard = await store.createDashboard({
    ownerId: user.id,
    workspace: 'a',
    slug: 'a',
    name: 'a',
    retention: 100_000,
  });
  const bucket = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'TSV' });
  await store.upsertRecords(bucket, asRows ? [...hour].reverse() : hour, 'merge');
  return { store, bucket };
}

it('takes whole intervals from the stored figures, and dirty ones from the records', async () => {
  const { store, bucket } = await filled();
  await settleUpkeep(store);
  const query = { points: 30 };
  const before = await store.downsampleRecords(bucket, query);
  expect(before.interval).toBe(120_000);

  // Tamper with the stored record counts behind the store's back: reads show it.
  const raw = new Database(path);
  raw.prepare('UPDATE aggregates SET records = records + 1000 WHERE tier = 1').run();
  const tampered = await store.downsampleRecords(bucket, query);
  // Interior intervals (from the 1-minute tier) show the tampered counts; the cut edges do not.
  expect(tampered.count.filter((n, i) => n === before.count[i]! + 2_000).length).toBeGreaterThan(
    20,
  );

  // A write marks its cell dirty: that interval comes from the records again, exactly.
  await store.upsertRecords(bucket, [{ key: hour[1_800]!.key, values: { 1: -1 } }], 'merge');
  const i = before.keys.indexOf(Math.floor((hour[1_800]!.key as number) / 120_000) * 120_000);
  expect((await store.downsampleRecords(bucket, query)).count[i]).toBe(before.count[i]);
  raw.close();
  await store.close();
});

it('builds the figures of records written before the upgrade that added them', async () => {
  rmSync(path, { force: true });
  const { store, bucket } = await filled(true);
  await store.updateDashboard(bucket.dashboardId, { retention: 1_000 });
  await store.close();
  // Back to schema version 2: no aggregates, no marks, no backlog, no deleted buckets, no rate
  // windows, no activity log, no key scopes, no invitations or password resets, no sealed
  // chunks (the hour was written as rows).
  const raw = new Database(path);
  expect(raw.prepare('SELECT count(*) FROM series_chunks').pluck().get()).toBe(0);
  raw.exec(`DROP TABLE aggregates; DROP TABLE aggregate_dirty; DROP TABLE retention_backlog;
    DROP TABLE deleted_buckets; DROP TABLE rate_windows; DROP TABLE activity;
    DROP TABLE account_events; ALTER TABLE api_keys DROP COLUMN scopes;
    ALTER TABLE api_keys DROP COLUMN bucket_ids; DROP TABLE invitations;
    DROP TABLE password_resets; DROP TABLE series_chunks; DROP TABLE share_links;
    DROP TABLE alert_rules; DROP TABLE alert_states; DROP TABLE alert_transitions;
    DROP TABLE contact_points; DROP TABLE alert_notifications; DROP TABLE alert_deliveries;
    DROP TABLE alert_lease;
    ALTER TABLE buckets DROP COLUMN sealed_through; ALTER TABLE buckets DROP COLUMN unsealed;
    ALTER TABLE buckets DROP COLUMN raw_records; DROP TABLE series_late;
    ALTER TABLE buckets DROP COLUMN late_records;
    PRAGMA user_version = 2;`);
  raw.close();

  const upgraded = await openStore(`file:${path}`);
  const expected = (records: DataRecord[]) => referenceDownsample('TSV', records, { points: 50 });
  const current = (await upgraded.getBucket(bucket.id))!;
  expectSameDownsampled(await upgraded.downsampleRecords(current, { points: 50 }), expected(hour));
  await settleUpkeep(upgraded);
  // The backlog the upgrade found was trimmed; the figures were built for what is left.
  expect((await upgraded.getBucket(bucket.id))?.recordCount).toBe(1_000);
  expectSameDownsampled(
    await upgraded.downsampleRecords(current, { points: 50 }),
    expected(hour.slice(-1_000)),
  );
  const check = new Database(path, { readonly: true });
  expect(check.prepare('SELECT count(*) AS n FROM aggregate_dirty').get()).toEqual({ n: 0 });
  expect(check.prepare('SELECT count(*) AS n FROM aggregates').get()).not.toEqual({ n: 0 });
  check.close();
  await upgraded.close();
});

it('leaves cells written in the last seconds for a later step', async () => {
  rmSync(path, { force: true });
  const { store } = await filled();
  const dirty = () => {
    const check = new Database(path, { readonly: true });
    const { n } = check.prepare('SELECT count(*) AS n FROM aggregate_dirty').get() as { n: number };
    check.close();
    return n;
  };
  expect(await store.maintain()).toEqual({ more: false, trimmed: [], swept: 0 });
  expect(dirty()).toBeGreaterThan(0);
  await settleUpkeep(store);
  expect(dirty()).toBe(0);
  await store.close();
});
