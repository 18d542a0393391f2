import {
  chooseInterval,
  type DataRecord,
  type Downsampled,
  READ_RAW_RECORDS_BUDGET,
} from '@bucketgrid/shared';
import { expect, it } from 'vitest';
import { ReadOverBudget } from '../../src/errors.ts';
import type { ContractContext } from './context.ts';
import { expectSameDownsampled, referenceDownsample } from './downsample-reference.ts';

/**
 * A read over its raw-records budget is exact, or coarsened (said in `coarsened`) and still
 * covering every record of its range, or refused (ReadOverBudget): never empty or partial.
 * The case that once came back empty: records written in large in-order batches, no upkeep
 * yet, and a sub-range whose intervals cut every chunk (1-minute intervals, 30-minute
 * chunks), so folding them exactly means decoding more records than the budget.
 */
export function cutChunksContract(t: ContractContext): void {
  it('answers a read whose intervals cut every chunk, right after large writes, covering every record', {
    timeout: 120_000,
  }, async () => {
    const bucket = await t.makeBucket('TSV');
    const count = 2 * READ_RAW_RECORDS_BUDGET;
    const records: DataRecord[] = [];
    for (let i = 0; i < count; i++) {
      records.push(t.rec(i * 1_000, { 1: (i * 37) % 101, 2: i % 3 === 0 ? null : -i }));
    }
    for (let start = 0; start < count; start += 10_000) {
      await t.store.upsertRecords(bucket, records.slice(start, start + 10_000), 'merge');
    }
    // 37,000 records as 1,000 points: 1-minute intervals, every 30-minute chunk cut 29 times.
    const query = { from: 2_999_500, to: (count - 1) * 1_000, points: 1_000 };
    let answer: Downsampled;
    try {
      answer = await t.store.downsampleRecords(bucket, query);
    } catch (error) {
      // Records kept as rows, every cell awaiting upkeep: no width folds fewer than the budget.
      expect(error).toBeInstanceOf(ReadOverBudget);
      expect((error as ReadOverBudget).budget).toBe('raw_records');
      return;
    }
    const inRange = records.filter(
      (r) => (r.key as number) >= query.from && (r.key as number) <= query.to,
    );
    expect(answer.count.reduce((sum, n) => sum + n, 0)).toBe(inRange.length);
    let points = query.points;
    const { coarsened, ...exact } = answer;
    if (coarsened !== undefined) {
      expect(coarsened).toMatchObject({
        budget: 'raw_records',
        requestedPoints: 1_000,
        approximateIntervals: 0,
      });
      expect(answer.interval).toBeGreaterThan(chooseInterval('TSV', query.to - query.from, 1_000));
      // The reference at the answer's width.
      while (chooseInterval('TSV', query.to - query.from, points) < answer.interval!) points--;
    }
    expectSameDownsampled(exact, referenceDownsample('TSV', records, { ...query, points }));
  });
}
