import {
  type DataRecord,
  type Downsampled,
  READ_FIGURES_BUDGET,
  READ_PAGE_VALUES_BUDGET,
  READ_RAW_RECORDS_BUDGET,
  SERIES_SCAN_ROWS,
  type SeriesValues,
} from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import { type Bucket, ReadOverBudget } from '../../src/store.ts';
import { type ContractContext, settleUpkeep } from './context.ts';

/**
 * The cost bound of a downsampled read (READ_FIGURES_BUDGET, READ_RAW_RECORDS_BUDGET): decided
 * before the read runs, said in the answer (`coarsened`).
 */
export function readBudgetContract(t: ContractContext): void {
  describe('downsampled read budgets', () => {
    /** `count` records `step` apart from `first`, each with series 1..`series` (value = index). */
    async function fill(bucket: Bucket, count: number, step: number, series: number, first = 0) {
      for (let start = 0; start < count; start += 10_000) {
        const records: DataRecord[] = [];
        for (let i = start; i < Math.min(count, start + 10_000); i++) {
          const values: SeriesValues = {};
          for (let sk = 1; sk <= series; sk++) values[sk] = i;
          records.push({ key: first + i * step, values });
        }
        await t.store.upsertRecords(bucket, records, 'merge');
      }
    }

    it('widens the intervals of an answer past intervals × series, and says so', {
      timeout: 120_000,
    }, async () => {
      const bucket = await t.makeBucket('TSV');
      await fill(bucket, 2_000, 10_000, 100);
      await settleUpkeep(t.store);
      const wide = await t.store.downsampleRecords(bucket, { points: 5_000 });
      const allowed = READ_FIGURES_BUDGET / 100;
      expect(wide.coarsened).toEqual({
        budget: 'figures',
        requestedPoints: 5_000,
        points: allowed,
        approximateIntervals: 0,
      });
      expect(wide.keys.length).toBeLessThanOrEqual(allowed + 1);
      expect(Object.keys(wide.series)).toHaveLength(100);
      expect(wide.count.reduce((sum, n) => sum + n, 0)).toBe(2_000);
      // One series asked for: within the budget, the records themselves.
      const one = await t.store.downsampleRecords(bucket, { points: 5_000, series: [7] });
      expect(one.coarsened).toBeUndefined();
      expect(one.interval).toBeNull();
      expect(one.keys).toHaveLength(2_000);
    });

    it('ends a page of records at READ_PAGE_VALUES_BUDGET values, with more to follow', {
      timeout: 120_000,
    }, async () => {
      const bucket = await t.makeBucket('TSV');
      await fill(bucket, 2_000, 10, 100);
      const perPage = READ_PAGE_VALUES_BUDGET / 100;
      const first = await t.store.readRecords(bucket, { order: 'asc', limit: 10_000 });
      expect(first.records).toHaveLength(perPage);
      expect(first.hasMore).toBe(true);
      const rest = await t.store.readRecords(bucket, {
        order: 'asc',
        limit: 10_000,
        after: first.records.at(-1)!.key,
      });
      expect(rest.records).toHaveLength(2_000 - perPage);
      expect(rest.hasMore).toBe(false);
    });

    it('widens intervals finer than the stored cells when they would fold too many records', {
      timeout: 120_000,
    }, async () => {
      const bucket = await t.makeBucket('TSV');
      const count = READ_RAW_RECORDS_BUDGET + 5_000;
      await fill(bucket, count, 1, 1);
      await settleUpkeep(t.store);
      const answer = await t.store.downsampleRecords(bucket, { points: 5_000 });
      // 25,000 records 1 ms apart: 5 ms intervals asked, the stored 10 s cells given.
      expect(answer.interval).toBe(10_000);
      expect(answer.keys).toEqual([0, 10_000, 20_000]);
      expect(answer.count).toEqual([10_000, 10_000, 5_000]);
      expect(answer.coarsened).toEqual({
        budget: 'raw_records',
        requestedPoints: 5_000,
        points: 3,
        approximateIntervals: 0,
      });
    });

    it('answers cut intervals from whole stored cells past the raw budget, and counts them', {
      timeout: 120_000,
    }, async () => {
      const bucket = await t.makeBucket('TSV');
      const count = 2 * READ_RAW_RECORDS_BUDGET + 10_000;
      await fill(bucket, count, 1, 2);
      await settleUpkeep(t.store);
      // points=1 over a range that cuts its only interval: folding it would read every record
      // kept as a row. Records sealed in chunks with their figures (SQLite's series chunks)
      // are read a row per chunk, two chunks decoded: within the budget, and exact. Both
      // layouts run this suite, so each branch is held to its answer.
      const answer = await t.store.downsampleRecords(bucket, { from: 5, to: count - 6, points: 1 });
      expect(answer.keys).toEqual([0]);
      if (answer.coarsened === undefined) {
        expect(answer.count).toEqual([count - 10]);
        expect(answer.series[1]).toEqual({
          min: [5],
          max: [count - 6],
          avg: [(count - 1) / 2],
          last: [count - 6],
        });
        return;
      }
      expect(answer.count).toEqual([count]);
      expect(answer.series[1]).toEqual({
        min: [0],
        max: [count - 1],
        avg: [(count - 1) / 2],
        last: [count - 1],
      });
      expect(answer.coarsened).toEqual({
        budget: 'raw_records',
        requestedPoints: 1,
        points: 1,
        approximateIntervals: 1,
      });
      // Within the budget the same read is exact.
      const exact = await t.store.downsampleRecords(bucket, { from: 5, to: 1_004, points: 1 });
      expect(exact.coarsened).toBeUndefined();
      expect(exact.count).toEqual([1_000]);
    });

    it('answers points=1 over a bucket spanning the whole key range with one interval', {
      timeout: 120_000,
    }, async () => {
      const bucket = await t.makeBucket('TSV');
      const edge = 8.64e15;
      await t.store.upsertRecords(
        bucket,
        [
          { key: -edge, values: { 1: -1 } },
          { key: edge, values: { 1: 1 } },
        ],
        'merge',
      );
      await fill(bucket, 30_000, 1_000, 20, Date.UTC(2025, 0, 1));
      // Before upkeep: more records to fold than the budget where they are rows, and no stored
      // figures yet, so the read is refused (never an empty answer); records encoded with
      // their figures as they are written (SQLite's series chunks) are within it, and exact.
      // Each branch is held to its answer.
      const early = await t.store.downsampleRecords(bucket, { points: 1 }).catch((error) => error);
      if (early instanceof ReadOverBudget) expect(early.budget).toBe('raw_records');
      else expectWhole(early);
      await settleUpkeep(t.store);
      expectWhole(await t.store.downsampleRecords(bucket, { points: 1 }));
      function expectWhole(answer: Downsampled) {
        expect(answer.keys).toHaveLength(1);
        expect(answer.count).toEqual([30_002]);
        expect(answer.series[1]!.min).toEqual([-1]);
        expect(answer.series[1]!.max).toEqual([29_999]);
        expect(answer.series[1]!.last).toEqual([1]);
        expect(Object.keys(answer.series)).toHaveLength(20);
      }
    });
  });

  describe('series summary', () => {
    it('names each series with its values, before and after upkeep, in a bounded read', async () => {
      const bucket = await t.makeBucket('TSV');
      await t.store.upsertRecords(
        bucket,
        Array.from({ length: 50 }, (_, i): DataRecord => {
          const values: SeriesValues = { 1: i, 2: i % 2 === 0 ? i : null };
          if (i < 5) values[9] = i;
          return { key: i * 1_000, values };
        }),
        'merge',
      );
      const expected = {
        series: [
          { sk: 1, values: 50 },
          { sk: 2, values: 25 },
          { sk: 9, values: 5 },
        ],
        partial: false,
      };
      expect(await t.store.seriesSummary(bucket)).toEqual(expected);
      await settleUpkeep(t.store);
      expect(await t.store.seriesSummary(bucket)).toEqual(expected);
      expect(await t.store.seriesSummary(await t.makeBucket('TSV'))).toEqual({
        series: [],
        partial: false,
      });
    });

    it('reads at most SERIES_SCAN_ROWS records of a KV bucket, and says it stopped', {
      timeout: 60_000,
    }, async () => {
      const bucket = await t.makeBucket('KV');
      await t.store.upsertRecords(
        bucket,
        Array.from({ length: SERIES_SCAN_ROWS + 10 }, (_, i) => ({
          key: `k${i}`,
          values: { 3: i },
        })),
        'merge',
      );
      expect(await t.store.seriesSummary(bucket)).toEqual({
        series: [{ sk: 3, values: SERIES_SCAN_ROWS }],
        partial: true,
      });
    });
  });
}
