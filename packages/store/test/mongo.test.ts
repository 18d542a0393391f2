import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { UPGRADE_BATCH } from '../src/mongo/upgrade.ts';
import { openStore } from '../src/open-store.ts';
import type { Store } from '../src/store.ts';
import { SWEEP_BATCH } from '../src/sweep.ts';
import { contractContext, settleUpkeep } from './contract/context.ts';
import { runStoreContract } from './contract.ts';
import { createTestDatabase, mongoUri, type TestDatabase } from './test-database.ts';

/*
 * The shared store contract against MongoDB. It needs a server that can run transactions
 * (a replica set, single-node is fine), which cannot run on the build machines, so the suite
 * runs only when MONGODB_URI names one, e.g.
 *   MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' pnpm --filter @bucketgrid/store test
 * (CI does: .github/workflows/ci.yml). Each store gets a database of its own, dropped when
 * the file is done.
 */

if (mongoUri) {
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];

  runStoreContract('mongodb', async () => {
    const database = createTestDatabase('contract');
    databases.push(database);
    const store = await openStore(database.url);
    stores.push(store);
    return store;
  });

  afterAll(async () => {
    await Promise.allSettled(stores.map((store) => store.close()));
    for (const database of databases) await database.destroy();
  });

  describe('mongodb event log', () => {
    /** Watches `store`'s log from `after` until `count` batches came, then stops. */
    async function watchFor(
      store: Store,
      after: unknown,
      count: number,
      appendOnOpen: () => Promise<void>,
    ) {
      const batches: { origin: string; events: unknown[]; position: unknown }[] = [];
      const stop = new AbortController();
      await store.eventLog!.watch(
        after,
        {
          opened: () => void appendOnOpen(),
          batch: (batch, position) => {
            batches.push({ ...batch, events: [...batch.events], position });
            if (batches.length === count) stop.abort();
          },
          idle: () => {},
        },
        stop.signal,
      );
      return batches;
    }

    it('carries batches between two stores on one database and resumes after a position', async () => {
      const database = createTestDatabase('event-log');
      databases.push(database);
      const a = await openStore(database.url);
      const b = await openStore(database.url);
      stores.push(a, b);
      const batch = (n: number) => ({ origin: 'a', events: [{ n }] });
      const first = await watchFor(b, undefined, 1, () => a.eventLog!.append(batch(1)));
      expect(first).toMatchObject([{ origin: 'a', events: [{ n: 1 }] }]);
      // Appended while nobody watched: a watch from the last position gets them, in order.
      await a.eventLog!.append(batch(2));
      await a.eventLog!.append(batch(3));
      const resumed = await watchFor(b, first[0]!.position, 2, async () => {});
      expect(resumed.map((entry) => entry.events)).toEqual([[{ n: 2 }], [{ n: 3 }]]);
    });

    it('ends a watch whose collection is dropped, and gives the collection its TTL index back', async () => {
      const database = createTestDatabase('event-log-drop');
      databases.push(database);
      const store = await openStore(database.url);
      stores.push(store);
      await store.eventLog!.append({ origin: 'a', events: [{ n: 1 }] });
      const raw = await mongoose.createConnection(database.url).asPromise();
      const stop = new AbortController();
      // A spinning stream never yields, so this would not fire either: the test hangs.
      const bound = setTimeout(() => stop.abort(), 60_000);
      try {
        const watching = store.eventLog!.watch(
          undefined,
          { opened: () => void raw.dropCollection('liveEvents'), batch: () => {}, idle: () => {} },
          stop.signal,
        );
        await expect(watching).rejects.toThrow(/the live events stream ended/);
        expect(stop.signal.aborted).toBe(false);
        const ttl = (await raw.collection('liveEvents').indexes()).find(
          (index) => index.name === 'at_1',
        );
        expect(ttl).toMatchObject({ expireAfterSeconds: 60 });
      } finally {
        clearTimeout(bound);
        await raw.close();
      }
    }, 90_000);
  });

  describe('mongodb sweep', () => {
    it('resumes a sweep another process left in the middle, and leaves nothing behind', async () => {
      const database = createTestDatabase('sweep');
      databases.push(database);
      const first = await openStore(database.url);
      stores.push(first);
      const t = contractContext(() => first);
      const bucket = await t.makeBucket('TSV', 1_000_000);
      const records = Array.from({ length: 2 * SWEEP_BATCH + 10 }, (_, i) => t.rec(i, { 1: i }));
      await first.upsertRecords(bucket, records, 'merge');
      await settleUpkeep(first);
      await first.deleteBucket(bucket.id);
      let swept = 0;
      for (let step = 0; step < 3; step++) swept += (await first.maintain()).swept;
      await first.close();

      const second = await openStore(database.url);
      stores.push(second);
      for (let step = 0; step < 100; step++) {
        const result = await second.maintain(Date.now() + 60_000);
        swept += result.swept;
        if (!result.more) break;
      }
      expect(swept).toBe(records.length);
      const raw = await mongoose.createConnection(database.url).asPromise();
      try {
        for (const name of ['records', 'aggregates', 'dirtyCells']) {
          expect(await raw.collection(name).countDocuments({ b: bucket.id })).toBe(0);
        }
        expect(await raw.collection('deletedBuckets').countDocuments()).toBe(0);
      } finally {
        await raw.close();
      }
    });
  });

  describe('mongodb storage details', () => {
    it('upgrades a database without aggregates in bounded, resumable steps, serving exact reads meanwhile', async () => {
      const database = createTestDatabase('upgrade');
      databases.push(database);
      const first = await openStore(database.url);
      stores.push(first);
      const t = contractContext(() => first);
      const bucket = await t.makeBucket('TSV', 1_000_000);
      const count = 2 * UPGRADE_BATCH + 10;
      await first.upsertRecords(
        bucket,
        Array.from({ length: count }, (_, i) => t.rec(i * 1_000, { 1: i % 97 })),
        'merge',
      );
      await settleUpkeep(first);
      const query = { points: 50 };
      const expected = await first.downsampleRecords(bucket, query);
      expect(expected.interval).not.toBeNull();
      await first.close();

      // As a database from before the aggregates: records only, no figures, no marks.
      const raw = await mongoose.createConnection(database.url).asPromise();
      try {
        for (const name of ['aggregates', 'dirtyCells', 'upgrades']) {
          await raw.collection(name).deleteMany({});
        }
        const second = await openStore(database.url);
        stores.push(second);
        expect(await second.downsampleRecords(bucket, query)).toEqual(expected);
        // One step marks one batch and saves where it stopped; then the process stops.
        expect((await second.maintain()).more).toBe(true);
        const saved = await raw.collection('upgrades').findOne({ _id: 'aggregates-v1' as never });
        expect(saved).toMatchObject({ bucket: bucket.id, key: (UPGRADE_BATCH - 1) * 1_000 });
        expect(await second.downsampleRecords(bucket, query)).toEqual(expected);
        await second.close();

        const third = await openStore(database.url);
        stores.push(third);
        await settleUpkeep(third);
        expect(
          await raw.collection('upgrades').findOne({ _id: 'aggregates-v1' as never }),
        ).toHaveProperty('at');
        expect(await raw.collection('aggregates').countDocuments({ b: bucket.id })).toBeGreaterThan(
          0,
        );
        expect(await third.downsampleRecords(bucket, query)).toEqual(expected);
      } finally {
        await raw.close();
      }
    }, 300_000);

    it('trims a write by the retention of its transaction, not the one its caller read', async () => {
      const database = createTestDatabase('retention-race');
      databases.push(database);
      const store = await openStore(database.url);
      stores.push(store);
      const t = contractContext(() => store);
      const bucket = await t.makeBucket('TSV', 10);
      await store.upsertRecords(bucket, [t.rec(1, { 1: 1 }), t.rec(2, { 1: 2 })], 'merge');
      // Lowered after the writer looked the bucket up (its `bucket` still says 10); the bucket
      // was within the new retention then, so nothing was noted for upkeep.
      await store.updateDashboard(bucket.dashboardId, { retention: 3 });
      await store.upsertRecords(bucket, [t.rec(3, { 1: 3 }), t.rec(4, { 1: 4 })], 'merge');
      expect((await t.readAll(bucket)).map((r) => r.key)).toEqual([2, 3, 4]);
      expect((await store.getBucket(bucket.id))?.recordCount).toBe(3);
    });

    it('opens with the unique indexes built and builds the other missing ones in the background', async () => {
      const database = createTestDatabase('index-builds');
      databases.push(database);
      const raw = await mongoose.createConnection(database.url).asPromise();
      try {
        // A database that holds marks but none of the indexes on them.
        await raw.collection('dirtyCells').insertOne({ b: 'x', c: 0, t: 0, ver: 1, at: 0 });
        const store = await openStore(database.url);
        stores.push(store);
        const names = async () =>
          (await raw.collection('dirtyCells').indexes()).map((index) => index.name);
        expect(await names()).toContain('b_1_c_1_t_1');
        for (let attempt = 0; !(await names()).includes('t_1_b_1_c_1'); attempt++) {
          expect(attempt).toBeLessThan(600);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await raw.close();
      }
    }, 90_000);

    it('leaves cells marked in the last seconds to a later upkeep step', async () => {
      const database = createTestDatabase('settle');
      databases.push(database);
      const store = await openStore(database.url);
      stores.push(store);
      const t = contractContext(() => store);
      const bucket = await t.makeBucket('TSV', 1_000);
      await store.upsertRecords(bucket, [t.rec(1, { 1: 1 }), t.rec(20_000, { 1: 2 })], 'merge');
      const raw = await mongoose.createConnection(database.url).asPromise();
      try {
        const marks = () => raw.collection('dirtyCells').countDocuments({ b: bucket.id });
        expect(await marks()).toBe(2);
        // Now: both cells were marked within the settling time, so neither is taken.
        await store.maintain(Date.now());
        expect(await marks()).toBe(2);
        await settleUpkeep(store);
        expect(await marks()).toBe(0);
      } finally {
        await raw.close();
      }
    });

    it('indexes and stores write sequences for KV records only, replacing the old full index', async () => {
      const database = createTestDatabase('indexes');
      databases.push(database);
      const raw = await mongoose.createConnection(database.url).asPromise();
      try {
        const records = raw.collection('records');
        // A database from before the index became partial.
        await records.createIndex({ b: 1, s: 1 });
        const store = await openStore(database.url);
        stores.push(store);
        const t = contractContext(() => store);
        const tsv = await t.makeBucket('TSV', 2);
        const kv = await t.makeBucket('KV', 2);
        await store.upsertRecords(tsv, [t.rec(1, { 1: 1 }), t.rec(2, { 1: 2 })], 'merge');
        await store.upsertRecords(kv, [t.rec('a', { 1: 1 }), t.rec('b', { 1: 2 })], 'merge');
        await store.upsertRecords(kv, [t.rec('a', { 1: 3 }), t.rec('c', { 1: 4 })], 'merge');
        // Retention dropped the least recently written KV record, b.
        expect((await t.readAll(kv)).map((r) => r.key)).toEqual(['a', 'c']);

        const indexes = await records.indexes();
        expect(indexes.map((index) => index.name)).not.toContain('b_1_s_1');
        expect(indexes.find((index) => index.name === 'kv_by_seq')).toMatchObject({
          key: { b: 1, s: 1 },
          partialFilterExpression: { k: { $type: 'string' } },
        });
        expect(await records.countDocuments({ b: tsv.id, s: { $exists: true } })).toBe(0);
        expect(await records.countDocuments({ b: kv.id, s: { $exists: true } })).toBe(2);
        const plan = await records
          .find({ b: kv.id, k: { $type: 'string' } })
          .sort({ s: 1 })
          .explain();
        expect(JSON.stringify(plan.queryPlanner.winningPlan)).toContain('kv_by_seq');
      } finally {
        await raw.close();
      }
    });
  });
} else {
  console.warn('MongoDB store contract suite SKIPPED: set MONGODB_URI to run it');
  describe.skip('mongodb store contract (MONGODB_URI not set)', () => {
    it('runs the shared store contract against MongoDB', () => {});
  });
}
