import type { DataRecord } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Bucket, MissingEntity, type Store } from '../../src/store.ts';
import { SWEEP_BATCH } from '../../src/sweep.ts';
import { type ContractContext, settleUpkeep } from './context.ts';

/** More records than two sweep batches, so that a sweep takes several steps. */
const MANY = 2 * SWEEP_BATCH + 1_234;

/**
 * Deleting a bucket or a dashboard: the parent disappears from every read at once, and
 * upkeep removes its records afterwards, in bounded batches.
 */
export function deletionContract(t: ContractContext): void {
  describe('mark-then-sweep deletion', () => {
    const { makeDashboard, makeUser, rec, readAll } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    /** A bucket of `count` TSV records a second apart, with its figures built by upkeep. */
    async function filled(dashboardId: string, count: number): Promise<Bucket> {
      const bucket = await store.createBucket({ dashboardId, name: 'b', type: 'TSV' });
      const records: DataRecord[] = Array.from({ length: count }, (_, i) =>
        rec(i * 1000, { 1: i }),
      );
      for (let i = 0; i < count; i += 5_000) {
        await store.upsertRecords(bucket, records.slice(i, i + 5_000), 'merge');
      }
      return (await store.getBucket(bucket.id))!;
    }

    /** Runs upkeep until done; every step removes at most a batch. Returns the records removed. */
    async function sweepAll(): Promise<{ swept: number; steps: number }> {
      let swept = 0;
      for (let steps = 1; steps <= 1_000; steps++) {
        const result = await store.maintain(Date.now() + 60_000);
        expect(result.swept).toBeLessThanOrEqual(SWEEP_BATCH);
        swept += result.swept;
        if (!result.more) return { swept, steps };
      }
      throw new Error('upkeep still had work after 1,000 steps');
    }

    /** What every read of a deleted bucket must show: nothing. */
    async function expectGone(bucket: Bucket) {
      expect(await store.getBucket(bucket.id)).toBeNull();
      expect(await readAll(bucket)).toEqual([]);
      const downsampled = await store.downsampleRecords(bucket, { points: 10 });
      expect(downsampled.keys).toEqual([]);
      await expect(store.upsertRecords(bucket, [rec(1, { 1: 1 })], 'merge')).rejects.toEqual(
        new MissingEntity('bucket'),
      );
    }

    it('hides a deleted bucket and its records at once; upkeep removes them in batches', async () => {
      const { dashboard } = await makeDashboard(1_000_000);
      const doomed = await filled(dashboard.id, MANY);
      const kept = await filled(dashboard.id, 50);
      await settleUpkeep(store);

      await store.deleteBucket(doomed.id);
      await expectGone(doomed);
      expect((await store.listBuckets(dashboard.id)).map((b) => b.id)).toEqual([kept.id]);

      const { swept, steps } = await sweepAll();
      expect(swept).toBe(MANY);
      expect(steps).toBeGreaterThan(2);
      expect(await store.maintain()).toEqual({ more: false, trimmed: [], swept: 0 });
      // The other bucket of the dashboard lost nothing, figures included.
      expect(await readAll(kept)).toHaveLength(50);
      const figures = await store.downsampleRecords(kept, { points: 5 });
      expect(figures.count.reduce((sum, n) => sum + n, 0)).toBe(50);
    });

    it('hides a deleted dashboard with its buckets, keys and members at once; upkeep removes the records', async () => {
      const { owner, dashboard } = await makeDashboard(1_000_000);
      const member = await makeUser();
      await store.addMember(dashboard.id, member.id, 'user');
      const buckets = [await filled(dashboard.id, MANY), await filled(dashboard.id, 10)];
      const key = await store.createApiKey({
        dashboardId: dashboard.id,
        name: 'k',
        type: 'production',
        hash: t.unique('hash'),
        hint: 'bg_prod_abcd',
        createdBy: owner.id,
        createdAt: Date.now(),
        expiresAt: null,
      });
      await store.deleteDashboard(dashboard.id);

      expect(await store.getDashboard(dashboard.id)).toBeNull();
      expect(await store.listBuckets(dashboard.id)).toEqual([]);
      expect(await store.getApiKey(key.id)).toBeNull();
      expect(await store.listMembers(dashboard.id)).toEqual([]);
      expect(await store.listDashboardsForUser(member.id)).toEqual([]);
      for (const bucket of buckets) await expectGone(bucket);

      expect((await sweepAll()).swept).toBe(MANY + 10);
      expect(await store.maintain()).toEqual({ more: false, trimmed: [], swept: 0 });
    });

    it('sweeps a bucket deleted while its retention backlog waited, without trimming it', async () => {
      const { dashboard } = await makeDashboard(1_000_000);
      const bucket = await filled(dashboard.id, 300);
      await store.updateDashboard(dashboard.id, { retention: 100 });
      await store.deleteBucket(bucket.id);
      let trimmed = 0;
      let swept = 0;
      for (let step = 0; step < 100; step++) {
        const result = await store.maintain(Date.now() + 60_000);
        trimmed += result.trimmed.length;
        swept += result.swept;
        if (!result.more) break;
      }
      expect({ trimmed, swept }).toEqual({ trimmed: 0, swept: 300 });
    });
  });
}
