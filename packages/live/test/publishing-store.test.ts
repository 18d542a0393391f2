import { openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase, type TestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DashboardEvent, InProcessLiveEvents } from '../src/live-events.ts';
import { publishChanges } from '../src/publishing-store.ts';
import { SharedLiveEvents } from '../src/shared-live-events.ts';
import { FakeEventLog } from './fake-event-log.ts';

// Bounded work on a real database; slow only on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

/*
 * The one place live events are published: every change a view shows, made through the
 * store, whoever calls it (REST, tRPC, upkeep, the admin CLI), on a real SQLite store.
 */

let database: TestDatabase;
let base: Store;
let userId: string;
beforeAll(async () => {
  database = createTestDatabase('live-publishing');
  base = await openStore(database.url);
  userId = (
    await base.createUser({ email: 'o@example.com', name: 'O', workspace: 'o', passwordHash: 'h' })
  ).id;
});
afterAll(async () => {
  await base.close();
  await database.destroy();
});

let dashboards = 0;
async function dashboard(retention = 1_000) {
  const { id } = await base.createDashboard({
    ownerId: userId,
    workspace: 'o',
    slug: `d${++dashboards}`,
    name: 'D',
    retention,
  });
  return id;
}

/** The store with its changes published in this process, and what a dashboard was told. */
function published(dashboardId: string) {
  const events = new InProcessLiveEvents();
  const told: DashboardEvent[] = [];
  events.subscribe(
    dashboardId,
    { event: (e) => told.push(e), missed: () => {} },
    new AbortController().signal,
  );
  const store = publishChanges(base, events, () => 7);
  /** The events since the last call, without their time. */
  const since = () => told.splice(0).map(({ at: _, ...rest }) => rest);
  return { store, since };
}

describe('publishChanges', () => {
  it('tells a dashboard of each change its views show, and of nothing else', async () => {
    const dashboardId = await dashboard();
    const { store, since } = published(dashboardId);
    const bucket = await store.createBucket({ dashboardId, name: 'b', type: 'IV' });
    expect(since()).toEqual([{ type: 'buckets' }]);
    await store.renameBucket(bucket.id, 'c');
    await store.setBucketSeries(bucket.id, [
      { sk: 1, name: 'T', unit: '', color: null, decimals: null },
    ]);
    expect(since()).toEqual([{ type: 'buckets' }, { type: 'buckets' }]);

    const records = { type: 'records', bucketId: bucket.id };
    await store.upsertRecords(bucket, [{ key: 1, values: { 1: 1 } }], 'merge');
    await store.deleteRecords(bucket, { keys: [1] });
    await store.purgeRecords(bucket);
    expect(since()).toEqual([records, records, records]);

    await store.updateDashboard(dashboardId, { name: 'Renamed' });
    expect(since()).toEqual([]);
    await store.updateDashboard(dashboardId, { retention: 500 });
    expect(since()).toEqual([{ type: 'buckets' }]);

    const content = { widgets: [], defaultRange: '1h' as const, maxWidth: null };
    const save = (expectedVersion: number) =>
      store.saveLayout(dashboardId, { expectedVersion, content, updatedBy: userId, at: 1 });
    const saved = await save(0);
    expect(saved.status).toBe('saved');
    const version = saved.status === 'saved' ? saved.layout.version : -1;
    expect(since()).toEqual([{ type: 'layout', version }]);
    expect((await save(0)).status).toBe('conflict');
    expect(since()).toEqual([]);

    // Reads publish nothing.
    await store.listBuckets(dashboardId);
    await store.readRecords(bucket, { order: 'asc', limit: 10 });
    expect(since()).toEqual([]);

    await store.deleteBucket(bucket.id);
    expect(since()).toEqual([{ type: 'buckets' }]);
  });

  it('tells every process a share link was revoked or replaced, and nothing when it was not', async () => {
    const dashboardId = await dashboard();
    const { store, since } = published(dashboardId);
    const link = await store.createShareLink({
      dashboardId,
      name: 'wall',
      tokenHash: 'a'.repeat(64),
      expiresAt: null,
      allowRangeChange: false,
      frameOrigins: [],
      createdBy: userId,
      createdAt: 1,
    });
    expect(since()).toEqual([]);
    await store.regenerateShareLink(dashboardId, link.id, 'b'.repeat(64));
    await store.revokeShareLink(dashboardId, link.id);
    const ended = { type: 'shareLinkEnded', shareLinkId: link.id };
    expect(since()).toEqual([ended, ended]);
    // Already gone: nothing changed, nothing to tell.
    await store.revokeShareLink(dashboardId, link.id);
    expect(since()).toEqual([]);
  });

  it('tells the views of the buckets upkeep trimmed', async () => {
    const dashboardId = await dashboard();
    const { store, since } = published(dashboardId);
    const bucket = await store.createBucket({ dashboardId, name: 'b', type: 'IV' });
    await base.upsertRecords(
      bucket,
      Array.from({ length: 50 }, (_, key) => ({ key, values: { 1: key } })),
      'merge',
    );
    // A lower retention leaves upkeep records to trim.
    await store.updateDashboard(dashboardId, { retention: 2 });
    since();
    let trimmed = 0;
    for (let step = 0; step < 10_000; step++) {
      const result = await store.maintain(Date.now() + 60_000);
      trimmed += result.trimmed.length;
      if (!result.more) break;
    }
    expect(trimmed).toBeGreaterThan(0);
    const events = since();
    expect(events.length).toBe(trimmed);
    expect(events.every((event) => event.type === 'records')).toBe(true);
  });

  it('sends the changes of a process without views (the admin CLI) through the event log', async () => {
    const dashboardId = await dashboard();
    const log = new FakeEventLog();
    const events = new SharedLiveEvents({ log, logger: () => {}, watch: false });
    const store = publishChanges(base, events, () => 7);
    const bucket = await store.createBucket({ dashboardId, name: 'b', type: 'IV' });
    await store.upsertRecords(bucket, [{ key: 1, values: { 1: 1 } }], 'merge');
    await events.close();
    expect(log.watches).toEqual([]);
    expect(log.batches.flatMap((batch) => batch.events)).toEqual([
      { dashboardId, event: { type: 'buckets', at: 7 } },
      { dashboardId, event: { type: 'records', bucketId: bucket.id, at: 7 } },
    ]);
  });
});
