import { toLongRecord, toMinRecord } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bucket, Store } from '../../src/store.ts';
import { type ContractContext, settleUpkeep } from './context.ts';
import { cutChunksContract } from './downsample-cut-chunks.ts';
import { expectSameDownsampled, referenceDownsample } from './downsample-reference.ts';

export function downsampleContract(t: ContractContext): void {
  describe('downsampled reads', () => {
    const { makeBucket, rec } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    /** Ten records a second apart: series 1 is i, series 2 is i × 10 for odd i, else null. */
    async function tenSeconds(type: Bucket['type'] = 'TSV', step = 1000, first = 0) {
      const bucket = await makeBucket(type);
      const records = Array.from({ length: 10 }, (_, i) =>
        rec(first + i * step, { 1: i, 2: i % 2 === 1 ? i * 10 : null }),
      );
      await store.upsertRecords(bucket, records, 'merge');
      return bucket;
    }

    it('answers with the raw records when the range holds no more than `points`', async () => {
      const bucket = await tenSeconds();
      const result = await store.downsampleRecords(bucket, { from: 7000, points: 3 });
      expect(result).toEqual({
        interval: null,
        keys: [7000, 8000, 9000],
        count: [1, 1, 1],
        series: {
          1: { min: [7, 8, 9], max: [7, 8, 9], avg: [7, 8, 9], last: [7, 8, 9] },
          2: {
            min: [70, null, 90],
            max: [70, null, 90],
            avg: [70, null, 90],
            last: [70, null, 90],
          },
        },
        truncated: false,
      });
      const only = await store.downsampleRecords(bucket, { from: 7000, points: 3, series: [2] });
      expect(Object.keys(only.series)).toEqual(['2']);
    });

    it('aggregates per aligned interval: count, min, max, avg and the last non-null value', async () => {
      const bucket = await tenSeconds();
      expect(await store.downsampleRecords(bucket, { points: 2 })).toEqual({
        interval: 5000,
        keys: [0, 5000],
        count: [5, 5],
        series: {
          1: { min: [0, 5], max: [4, 9], avg: [2, 7], last: [4, 9] },
          2: { min: [10, 50], max: [30, 90], avg: [20, 70], last: [30, 90] },
        },
        truncated: false,
      });
    });

    it('clips the intervals at the edges of the range', async () => {
      const bucket = await tenSeconds();
      const result = await store.downsampleRecords(bucket, { from: 2000, to: 6999, points: 2 });
      expect(result).toMatchObject({ interval: 5000, keys: [0, 5000], count: [3, 2] });
      expect(result.series[1]).toEqual({ min: [2, 5], max: [4, 6], avg: [3, 5.5], last: [4, 6] });
    });

    it('leaves out empty intervals and aligns negative IV keys downwards', async () => {
      const bucket = await tenSeconds('IV', 1, -5);
      const result = await store.downsampleRecords(bucket, { points: 2 });
      expect(result).toMatchObject({ interval: 5, keys: [-5, 0], count: [5, 5] });
      const gap = await tenSeconds('IV', 100, 0);
      const sparse = await store.downsampleRecords(gap, { points: 5 });
      expect(sparse.interval).toBe(200);
      expect(sparse.keys).toEqual([0, 200, 400, 600, 800]);
      const wide = await store.downsampleRecords(gap, { from: -10_000, to: 10_000, points: 5 });
      expect(wide).toMatchObject({ interval: 5000, keys: [0], count: [10] });
    });

    it('gives distinct, exact interval starts over the whole safe IV range', async () => {
      // Widths past 2^53 (a downsample of up to ±(2^53 − 1)) used to round the starts.
      const edge = Number.MAX_SAFE_INTEGER;
      const bucket = await makeBucket('IV');
      const keys = [-edge, -edge + 1, -(2 ** 52), -1, 0, 1, 2 ** 52, edge - 1, edge];
      await store.upsertRecords(
        bucket,
        keys.map((key, i) => rec(key, { 1: i })),
        'merge',
      );
      const read = (from: number, points: number) =>
        store.downsampleRecords(bucket, { from, to: edge, points });
      expect(await read(-edge, 4)).toMatchObject({
        interval: 5e15,
        keys: [-1e16, -5e15, 0, 5e15],
        count: [2, 2, 3, 2],
        series: { 1: { min: [0, 2, 4, 7], max: [1, 3, 6, 8], last: [1, 3, 6, 8] } },
      });
      // Intervals are aligned to multiples of their width, so 0 always starts one: the whole
      // range falls in two intervals at any width, which points=1 answers as one (their
      // extent); one side of it is one.
      expect(await read(-edge, 1)).toMatchObject({
        interval: 4e16,
        keys: [-2e16],
        count: [9],
        series: { 1: { min: [0], max: [8], avg: [4], last: [8] } },
      });
      expect(await read(0, 1)).toMatchObject({
        interval: 1e16,
        keys: [0],
        count: [5],
        series: { 1: { min: [4], max: [8], avg: [6], last: [8] } },
      });
    });

    it('finds every interval awaiting upkeep, however many there are', async () => {
      // 2,500 intervals of 20, each with two dirty cells of 10: more than a backend may look
      // up one by one before it scans the rest.
      const bucket = await makeBucket('IV');
      const records = Array.from({ length: 5_000 }, (_, i) => rec(i * 10, { 1: i % 7, 2: i }));
      await store.upsertRecords(bucket, records, 'merge');
      const query = { points: 3_000 };
      const expected = referenceDownsample('IV', records, query);
      expect(expected.keys).toHaveLength(2_500);
      expectSameDownsampled(await store.downsampleRecords(bucket, query), expected, 'dirty');
      await settleUpkeep(store);
      expectSameDownsampled(await store.downsampleRecords(bucket, query), expected, 'upkept');
    });

    describe('an avg whose sum overflows float64 (values near ±1.8e308)', () => {
      const MAX = Number.MAX_VALUE;
      /** The mean, summed at 2^-20 (exact for these magnitudes), so that nothing overflows. */
      const mean = (values: readonly number[]) =>
        (values.reduce((sum, v) => sum + v * 2 ** -20, 0) / values.length) * 2 ** 20;

      it('is finite and exact when a sum overflows and cancels, before and after upkeep', async () => {
        const bucket = await makeBucket('TSV');
        const ones = [MAX, MAX, -MAX, -MAX, 3, 5];
        const near = [1.7e308, 1.6e308, 1.5e308, 1.7e308, 1.65e308, 1.75e308];
        await store.upsertRecords(
          bucket,
          ones.map((v, i) => rec(i * 1000, { 1: v, 2: near[i]!, 3: i % 2 === 0 ? MAX : -MAX })),
          'merge',
        );
        for (const moment of ['before upkeep', 'after upkeep']) {
          if (moment === 'after upkeep') await settleUpkeep(store);
          const result = await store.downsampleRecords(bucket, { points: 1 });
          expect(result.count, moment).toEqual([6]);
          expect(result.series[1], moment).toEqual({
            min: [-MAX],
            max: [MAX],
            avg: [8 / 6],
            last: [5],
          });
          expect(result.series[2]!.avg[0]! / mean(near) - 1, moment).toBeCloseTo(0, 12);
          expect(result.series[3]!.avg, moment).toEqual([0]);
        }
      });

      it('is the true mean within 1e-12 across chunks, tiers and late writes', {
        timeout: 60_000,
      }, async () => {
        const bucket = await makeBucket('TSV');
        const model = new Map<number, Record<number, number>>();
        const write = async (records: { key: number; values: Record<number, number> }[]) => {
          await store.upsertRecords(bucket, records, 'merge');
          for (const { key, values: v } of records) model.set(key, v);
        };
        // Series 1 near +1.7e308, 2 near −1.6e308 (each sum overflows within a few records),
        // 3 alternates pairs of ±MAX (overflows, then cancels), 4 ordinary.
        const values = (i: number) => ({
          1: 1.7e308 - (i % 97) * 1e305,
          2: -1.6e308 + (i % 89) * 1e305,
          3: i % 4 < 2 ? MAX : -MAX,
          4: i % 13,
        });
        for (let round = 0; round < 3; round++) {
          await write(
            Array.from({ length: 1_200 }, (_, j) => {
              const i = round * 1_200 + j;
              return { key: i * 1000, values: values(i) };
            }),
          );
        }
        const expectMeans = async (moment: string) => {
          for (const points of [1, 3, 7, 50]) {
            const result = await store.downsampleRecords(bucket, { points });
            const what = `${moment}, points=${points}`;
            expect(result.interval, what).not.toBeNull();
            const width = result.interval!;
            result.keys.forEach((start, i) => {
              const inInterval = [...model]
                .filter(([key]) => key >= (start as number) && key < (start as number) + width)
                .map(([, v]) => v);
              expect(result.count[i], what).toBe(inInterval.length);
              for (const sk of [1, 2, 4]) {
                const expected = mean(inInterval.map((v) => v[sk]!));
                const avg = result.series[sk]!.avg[i];
                expect(avg, `${what}, series ${sk}`).not.toBeNull();
                expect(Math.abs(avg! - expected), `${what}, series ${sk}`).toBeLessThanOrEqual(
                  1e-12 * Math.abs(expected),
                );
              }
              // Cancelling ±MAX: near the true mean at the precision of the values summed.
              const expected = mean(inInterval.map((v) => v[3]!));
              const avg = result.series[3]!.avg[i];
              expect(avg, `${what}, series 3`).not.toBeNull();
              expect(Math.abs(avg! - expected), `${what}, series 3`).toBeLessThanOrEqual(
                1e-12 * MAX,
              );
            });
          }
        };
        await expectMeans('written');
        await settleUpkeep(store);
        await expectMeans('after upkeep');
        // Late writes into the sealed history: new keys between records, and updates.
        await write(
          Array.from({ length: 300 }, (_, j) => ({
            key: j % 2 === 0 ? j * 11_000 + 500 : j * 11_000,
            values: { 1: 1.75e308, 2: -1.7e308, 3: j % 4 < 2 ? MAX : -MAX, 4: j },
          })),
        );
        await expectMeans('late writes, before upkeep');
        await settleUpkeep(store);
        await expectMeans('late writes, after upkeep');
      });
    });

    it('never aggregates KV buckets: the first records in key order, truncated', async () => {
      const bucket = await makeBucket('KV');
      const keys = ['e', 'a', 'd', 'b', 'c'];
      await store.upsertRecords(
        bucket,
        keys.map((key, i) => rec(key, { 1: i })),
        'merge',
      );
      const result = await store.downsampleRecords(bucket, { points: 3 });
      expect(result).toMatchObject({ interval: null, keys: ['a', 'b', 'c'], truncated: true });
      expect(result.series[1]?.last).toEqual([1, 3, 4]);
    });

    it('gives the same answer as JSON text, for callers that only send it on', async () => {
      const bucket = await tenSeconds();
      for (const query of [{ points: 3 }, { from: 7000, points: 3 }, { points: 100 }]) {
        const text = (await store.downsampleRecordsJson(bucket, query)).toString('utf8');
        expect(text).toBe(JSON.stringify(await store.downsampleRecords(bucket, query)));
      }
    });

    it('gives a page of records as JSON text in either form, for callers that only send it on', async () => {
      const bucket = await tenSeconds();
      const query = { from: 3000, order: 'asc' as const, limit: 4 };
      const page = await store.readRecords(bucket, query);
      for (const [form, inForm] of [
        ['long', page.records.map(toLongRecord)],
        ['min', page.records.map(toMinRecord)],
      ] as const) {
        const json = await store.readRecordsJson(bucket, query, form);
        expect(json.records.toString('utf8')).toBe(JSON.stringify(inForm));
        expect(json).toMatchObject({ hasMore: true, lastKey: 6000 });
      }
    });

    cutChunksContract(t);

    it('answers an empty range with no points', async () => {
      const bucket = await makeBucket('TSV');
      expect(await store.downsampleRecords(bucket, { points: 100 })).toEqual({
        interval: null,
        keys: [],
        count: [],
        series: {},
        truncated: false,
      });
    });
  });
}
