import type { DataRecord } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bucket, Store } from '../../src/store.ts';
import { type ContractContext, settleUpkeep } from './context.ts';

/** Retention changes: a write never trims more than it inserted; upkeep trims the rest. */
export function retentionContract(t: ContractContext): void {
  describe('retention upkeep', () => {
    const { makeDashboard, rec, readAll } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    async function filledBucket(type: Bucket['type'], count: number) {
      const { dashboard } = await makeDashboard(100_000);
      const bucket = await store.createBucket({ dashboardId: dashboard.id, name: 'r', type });
      const key = (i: number) => (type === 'KV' ? `k${String(i).padStart(5, '0')}` : i * 10);
      // KV: written in an order unlike the keys', so "least recently written" is not "smallest".
      const order = Array.from({ length: count }, (_, i) => (i * 7) % count);
      const records: DataRecord[] = order.map((i) => rec(key(i), { 1: i }));
      await store.upsertRecords(bucket, records, 'merge');
      return { dashboard, bucket, records };
    }

    it('has nothing to do on a store without backlog once settled', async () => {
      await settleUpkeep(store);
      expect(await store.maintain()).toEqual({ more: false, trimmed: [], swept: 0 });
    });

    for (const type of ['TSV', 'IV', 'KV'] as const) {
      it(`trims a lowered retention in upkeep, not in the next write (${type})`, async () => {
        const { dashboard, bucket, records } = await filledBucket(type, 120);
        await store.updateDashboard(dashboard.id, { retention: 30 });
        // Nothing is trimmed by the change itself.
        expect((await store.getBucket(bucket.id))?.recordCount).toBe(120);

        // A write of 5 new records trims 5 (as many as it inserted), not the backlog of 90.
        const lowered = (await store.getBucket(bucket.id))!;
        const fresh = Array.from({ length: 5 }, (_, i) =>
          rec(type === 'KV' ? `z${i}` : 10_000 + i, { 1: -i }),
        );
        await store.upsertRecords(lowered, fresh, 'merge');
        expect((await store.getBucket(bucket.id))?.recordCount).toBe(120);
        expect(await readAll(bucket)).toHaveLength(120);

        // Upkeep names the bucket it trimmed, so live views of it can refresh.
        expect(await settleUpkeep(store)).toContainEqual({
          bucketId: bucket.id,
          dashboardId: dashboard.id,
        });
        const kept = await readAll(bucket);
        expect(kept).toHaveLength(30);
        expect((await store.getBucket(bucket.id))?.recordCount).toBe(30);
        // TSV and IV keep the largest keys; KV keeps the most recently written.
        const written = [...records, ...fresh];
        const expected =
          type === 'KV'
            ? written.slice(-30).map((r) => r.key)
            : written
                .map((r) => r.key as number)
                .sort((a, b) => a - b)
                .slice(-30);
        expect(kept.map((r) => r.key).sort()).toEqual(expected.sort());
        expect(await store.maintain()).toEqual({ more: false, trimmed: [], swept: 0 });
      });
    }

    it('trims a backlog larger than one upkeep step in several bounded steps', async () => {
      const { dashboard, bucket } = await filledBucket('TSV', 12_000);
      await store.updateDashboard(dashboard.id, { retention: 1_000 });
      let steps = 0;
      while ((await store.maintain()).more) steps++;
      // 11,000 to trim: more than one step's batch, so upkeep reported more work.
      expect(steps).toBeGreaterThan(0);
      expect((await store.getBucket(bucket.id))?.recordCount).toBe(1_000);
      const kept = await readAll(bucket);
      expect(kept.map((r) => r.key)).toEqual(
        Array.from({ length: 1_000 }, (_, i) => (11_000 + i) * 10),
      );
    });

    it('raising the retention trims nothing', async () => {
      const { dashboard, bucket } = await filledBucket('IV', 50);
      await store.updateDashboard(dashboard.id, { retention: 40 });
      await store.updateDashboard(dashboard.id, { retention: 1_000 });
      await settleUpkeep(store);
      expect((await store.getBucket(bucket.id))?.recordCount).toBe(50);
    });

    it('forgets the backlog of a bucket deleted or purged before upkeep ran', async () => {
      const a = await filledBucket('TSV', 40);
      const b = await filledBucket('KV', 40);
      await store.updateDashboard(a.dashboard.id, { retention: 10 });
      await store.updateDashboard(b.dashboard.id, { retention: 10 });
      await store.deleteBucket(a.bucket.id);
      await store.purgeRecords(b.bucket);
      await settleUpkeep(store);
      expect(await store.getBucket(a.bucket.id)).toBeNull();
      expect((await store.getBucket(b.bucket.id))?.recordCount).toBe(0);
    });
  });
}
