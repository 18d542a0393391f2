import { beforeAll, describe, expect, it } from 'vitest';
import { MissingEntity, type Store } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

export function bucketsContract(t: ContractContext): void {
  describe('buckets', () => {
    const { makeDashboard, rec, readAll } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    it('creates, lists, renames and deletes buckets', async () => {
      const { dashboard } = await makeDashboard(10_000);
      const a = await store.createBucket({ dashboardId: dashboard.id, name: 'a', type: 'TSV' });
      const b = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'KV' });
      expect(a).toMatchObject({
        dashboardId: dashboard.id,
        name: 'a',
        type: 'TSV',
        retention: 10_000,
        recordCount: 0,
        lastWriteAt: null,
      });
      // Lists run in creation order, then by id: a and b may share a millisecond.
      const inListOrder = [a, b].sort(
        (x, y) => x.createdAt - y.createdAt || (x.id < y.id ? -1 : 1),
      );
      expect((await store.listBuckets(dashboard.id)).map((x) => x.id)).toEqual(
        inListOrder.map((x) => x.id),
      );
      await store.renameBucket(a.id, 'renamed');
      expect((await store.getBucket(a.id))?.name).toBe('renamed');
      await store.upsertRecords(b, [rec('x', { 1: 1 })], 'merge');
      await store.deleteBucket(b.id);
      expect(await store.getBucket(b.id)).toBeNull();
      expect(await readAll(b)).toEqual([]);
      expect((await store.listBuckets(dashboard.id)).map((x) => x.id)).toEqual([a.id]);
    });

    it('reflects the dashboard retention in the bucket', async () => {
      const { dashboard } = await makeDashboard(10_000);
      const bucket = await store.createBucket({
        dashboardId: dashboard.id,
        name: 'a',
        type: 'KV',
      });
      await store.updateDashboard(dashboard.id, { retention: 1000 });
      expect((await store.getBucket(bucket.id))?.retention).toBe(1000);
    });

    it('keeps the series descriptions it is given', async () => {
      const { dashboard } = await t.makeDashboard();
      const bucket = await store.createBucket({
        dashboardId: dashboard.id,
        name: 'a',
        type: 'TSV',
      });
      expect(bucket.series).toEqual([]);
      const series = [
        { sk: 1, name: 'Temperature', unit: '°C', color: '#d94a38', decimals: 1 },
        { sk: 7, name: 'Humidity', unit: '%', color: null, decimals: null },
      ];
      expect(await store.setBucketSeries(bucket.id, series)).toEqual({ ...bucket, series });
      expect((await store.listBuckets(dashboard.id))[0]?.series).toEqual(series);
      expect(await store.setBucketSeries('missing', series)).toBeNull();
    });

    it('refuses a bucket under a dashboard that does not exist', async () => {
      await expect(
        store.createBucket({ dashboardId: 'missing', name: 'a', type: 'TSV' }),
      ).rejects.toEqual(new MissingEntity('dashboard'));
    });
  });
}
