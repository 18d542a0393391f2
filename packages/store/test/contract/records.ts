import type { DataRecord } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { MissingEntity, type Store } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

export function recordsContract(t: ContractContext): void {
  describe('records', () => {
    const { makeBucket, rec, readAll } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    it('inserts, then merges series on merge writes', async () => {
      const bucket = await makeBucket('TSV');
      expect(
        await store.upsertRecords(
          bucket,
          [rec(1000, { 1: 1, 2: 2 }), rec(2000, { 1: 5 })],
          'merge',
        ),
      ).toEqual({ inserted: 2, updated: 0 });
      expect(await store.upsertRecords(bucket, [rec(1000, { 2: 20, 3: null })], 'merge')).toEqual({
        inserted: 0,
        updated: 1,
      });
      expect(await readAll(bucket)).toEqual([
        rec(1000, { 1: 1, 2: 20, 3: null }),
        rec(2000, { 1: 5 }),
      ]);
      const after = await store.getBucket(bucket.id);
      expect(after?.recordCount).toBe(2);
      expect(after?.lastWriteAt).toBeGreaterThan(0);
    });

    it('replaces a record as a whole on replace writes', async () => {
      const bucket = await makeBucket('IV');
      await store.upsertRecords(bucket, [rec(7, { 1: 1, 2: 2 })], 'replace');
      expect(await store.upsertRecords(bucket, [rec(7, { 3: 3 })], 'replace')).toEqual({
        inserted: 0,
        updated: 1,
      });
      expect(await readAll(bucket)).toEqual([rec(7, { 3: 3 })]);
    });

    it('applies several records with one key in order, the last winning', async () => {
      const bucket = await makeBucket('KV');
      const result = await store.upsertRecords(
        bucket,
        [rec('a', { 1: 1, 2: 1 }), rec('a', { 1: 2 }), rec('a', { 1: 3 })],
        'merge',
      );
      expect(result).toEqual({ inserted: 1, updated: 2 });
      expect(await readAll(bucket)).toEqual([rec('a', { 1: 3, 2: 1 })]);
      await store.upsertRecords(bucket, [rec('a', { 5: 5 }), rec('a', { 6: 6 })], 'replace');
      expect(await readAll(bucket)).toEqual([rec('a', { 6: 6 })]);
      expect((await store.getBucket(bucket.id))?.recordCount).toBe(1);
    });

    it('keeps buckets apart', async () => {
      const a = await makeBucket('IV');
      const b = await makeBucket('IV');
      await store.upsertRecords(a, [rec(1, { 1: 1 })], 'merge');
      await store.upsertRecords(b, [rec(1, { 1: 2 })], 'merge');
      expect(await readAll(a)).toEqual([rec(1, { 1: 1 })]);
      expect(await readAll(b)).toEqual([rec(1, { 1: 2 })]);
    });

    it('refuses a write to a deleted bucket with MissingEntity', async () => {
      const bucket = await makeBucket('IV');
      await store.deleteBucket(bucket.id);
      const write = store.upsertRecords(bucket, [rec(1, { 1: 1 })], 'merge');
      await expect(write).rejects.toEqual(new MissingEntity('bucket'));
    });

    it('commits concurrent writes independently and completely', async () => {
      const bucket = await makeBucket('IV');
      const writes = Array.from({ length: 50 }, (_, i) =>
        store.upsertRecords(bucket, [rec(i, { 1: i }), rec(i + 1000, { 2: i })], 'merge'),
      );
      const results = await Promise.all(writes);
      expect(results.every((r) => r.inserted === 2)).toBe(true);
      expect((await store.getBucket(bucket.id))?.recordCount).toBe(100);
    });

    it('reads ranges in both orders with limit and continuation', async () => {
      const bucket = await makeBucket('IV');
      await store.upsertRecords(
        bucket,
        [-5, 0, 3, 10, 42, 100].map((k) => rec(k, { 1: k })),
        'merge',
      );
      const keys = (r: { records: DataRecord[] }) => r.records.map((x) => x.key);
      expect(keys(await store.readRecords(bucket, { order: 'asc', limit: 100 }))).toEqual([
        -5, 0, 3, 10, 42, 100,
      ]);
      const firstPage = await store.readRecords(bucket, { order: 'desc', limit: 2, to: 42 });
      expect(keys(firstPage)).toEqual([42, 10]);
      expect(firstPage.hasMore).toBe(true);
      const second = await store.readRecords(bucket, {
        order: 'desc',
        limit: 2,
        to: 42,
        after: 10,
      });
      expect(keys(second)).toEqual([3, 0]);
      expect(second.hasMore).toBe(true);
      const last = await store.readRecords(bucket, { order: 'desc', limit: 2, to: 42, after: 0 });
      expect(keys(last)).toEqual([-5]);
      expect(last.hasMore).toBe(false);
      expect(
        keys(await store.readRecords(bucket, { order: 'asc', limit: 10, from: 0, to: 42 })),
      ).toEqual([0, 3, 10, 42]);
      expect(
        keys(await store.readRecords(bucket, { order: 'asc', limit: 2, from: 0, after: 3 })),
      ).toEqual([10, 42]);
    });

    it('orders KV keys as strings', async () => {
      const bucket = await makeBucket('KV');
      await store.upsertRecords(
        bucket,
        ['berlin', '2025', 'amsterdam', '10'].map((k) => rec(k, { 1: 1 })),
        'merge',
      );
      const page = await store.readRecords(bucket, {
        order: 'asc',
        limit: 10,
        from: '2',
        to: 'b',
      });
      expect(page.records.map((r) => r.key)).toEqual(['2025', 'amsterdam']);
    });

    it('deletes records by keys and by range, and purges', async () => {
      const bucket = await makeBucket('TSV');
      await store.upsertRecords(
        bucket,
        [1, 2, 3, 4, 5, 6].map((k) => rec(k, { 1: k })),
        'merge',
      );
      expect(await store.deleteRecords(bucket, { keys: [2, 4, 99] })).toBe(2);
      expect(await store.deleteRecords(bucket, { from: 5, to: 6 })).toBe(2);
      expect((await readAll(bucket)).map((r) => r.key)).toEqual([1, 3]);
      expect((await store.getBucket(bucket.id))?.recordCount).toBe(2);
      expect(await store.purgeRecords(bucket)).toBe(2);
      expect(await readAll(bucket)).toEqual([]);
      expect((await store.getBucket(bucket.id))?.recordCount).toBe(0);
    });

    it('trims TSV and IV buckets to retention by dropping the smallest keys', async () => {
      for (const type of ['TSV', 'IV'] as const) {
        const bucket = await makeBucket(type, 1000);
        const keys = Array.from({ length: 1005 }, (_, i) => 5000 - i);
        const result = await store.upsertRecords(
          bucket,
          keys.map((k) => rec(k, { 1: k })),
          'merge',
        );
        expect(result).toEqual({ inserted: 1005, updated: 0 });
        const kept = (await readAll(bucket)).map((r) => r.key);
        expect(kept).toHaveLength(1000);
        expect(kept[0]).toBe(4001);
        expect(kept.at(-1)).toBe(5000);
        expect((await store.getBucket(bucket.id))?.recordCount).toBe(1000);
      }
    });

    it('trims KV buckets to retention by dropping the least recently written', async () => {
      const bucket = await makeBucket('KV', 1000);
      const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
      await store.upsertRecords(
        bucket,
        keys.map((k) => rec(k, { 1: 1 })),
        'merge',
      );
      // Rewriting k0 makes it recent: k1 and k2 are then the least recently written.
      await store.upsertRecords(bucket, [rec('k0', { 1: 2 })], 'merge');
      await store.upsertRecords(bucket, [rec('new1', { 1: 1 }), rec('new2', { 1: 1 })], 'merge');
      const kept = new Set((await readAll(bucket)).map((r) => r.key));
      expect(kept.size).toBe(1000);
      expect(kept.has('k0')).toBe(true);
      expect(kept.has('k1')).toBe(false);
      expect(kept.has('k2')).toBe(false);
      expect(kept.has('new2')).toBe(true);
    });
  });
}
