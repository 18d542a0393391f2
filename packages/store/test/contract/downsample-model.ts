import type { DataRecord, DownsampleQuery, RecordKey, SeriesValues } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bucket, Store, WriteMode } from '../../src/store.ts';
import { seededRandom } from '../seeded-random.ts';
import { type ContractContext, settleUpkeep } from './context.ts';
import { expectSameDownsampled, referenceDownsample } from './downsample-reference.ts';

interface Scenario {
  seed: number;
  type: 'TSV' | 'IV';
  /** Keys are base + i × step (i < slots), sometimes off the grid by up to a step. */
  base: number;
  step: number;
  /** Values near ±1.8e308 too, whose sums overflow float64. */
  huge?: true;
}

const SLOTS = 200;
const scenarios: Scenario[] = [
  { seed: 1, type: 'TSV', base: Date.UTC(2024, 0, 1), step: 1_000 },
  { seed: 2, type: 'TSV', base: Date.UTC(2024, 0, 1, 7, 3, 20, 250), step: 7_000 },
  { seed: 3, type: 'TSV', base: Date.UTC(2023, 11, 31, 23), step: 61_000 },
  { seed: 4, type: 'TSV', base: Date.UTC(2024, 5, 1), step: 3_600_000 },
  { seed: 5, type: 'TSV', base: Date.UTC(2024, 5, 1), step: 250 },
  { seed: 6, type: 'IV', base: -1_500, step: 10 },
  { seed: 7, type: 'IV', base: 0, step: 1 },
  { seed: 8, type: 'IV', base: 123_456, step: 997 },
  { seed: 10, type: 'TSV', base: Date.UTC(2024, 0, 1), step: 1_000, huge: true },
];

/**
 * `downsampleRecords` against the reference model on random data (fixed seeds), through every
 * kind of change, each time both before upkeep ran (stale figures: intervals computed from the
 * records) and after it ran to completion (figures from the tiers).
 */
export function downsampleModelContract(t: ContractContext): void {
  describe('downsampled reads against the reference model', () => {
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    for (const scenario of scenarios) {
      // About 40 writes and 500 reads: seconds on a busy machine, so a generous timeout.
      const name = `${scenario.type}, step ${scenario.step}, seed ${scenario.seed}`;
      it(`matches the model: ${name}${scenario.huge ? ', values near ±1.8e308' : ''}`, {
        timeout: 60_000,
      }, async () => {
        const random = seededRandom(scenario.seed);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
        const { type, base, step } = scenario;
        const { dashboard } = await t.makeDashboard(100_000);
        let bucket: Bucket = await store.createBucket({
          dashboardId: dashboard.id,
          name: 'model',
          type,
        });
        const model = new Map<RecordKey, SeriesValues>();
        let retention = 100_000;
        /** Retention as the store applies it: past it, the smallest keys go. */
        const trimModel = () => {
          const keys = ([...model.keys()] as number[]).sort((x, y) => x - y);
          for (const key of keys.slice(0, Math.max(0, keys.length - retention))) model.delete(key);
        };

        const randomKey = () => {
          const slot = base + Math.floor(random() * SLOTS) * step;
          return random() < 0.2 ? slot + Math.floor(random() * step) : slot;
        };
        const huge = () => (random() < 0.5 ? -1 : 1) * (1 + random() * 0.79) * 1e308;
        const randomValue = () =>
          pick([
            () => Math.round(random() * 2000) - 1000,
            () => Math.round(random() * 800) / 8,
            scenario.huge ? huge : () => (random() - 0.5) * 1e6,
            () => null,
          ])();
        const randomValues = (): SeriesValues => {
          const values: SeriesValues = {};
          // Series 1 is in most records, 3 in some, 4 in few; 2 is often null.
          if (random() < 0.9) values[1] = randomValue();
          if (random() < 0.6) values[2] = random() < 0.4 ? null : randomValue();
          if (random() < 0.3) values[3] = randomValue();
          if (random() < 0.05) values[4] = randomValue();
          if (Object.keys(values).length === 0) values[1] = randomValue();
          return values;
        };

        async function write(count: number, existing = 0) {
          const keys = [...model.keys()];
          const records: DataRecord[] = Array.from({ length: count }, () => ({
            key: keys.length > 0 && random() < existing ? pick(keys) : randomKey(),
            values: randomValues(),
          }));
          const mode: WriteMode = random() < 0.5 ? 'merge' : 'replace';
          await store.upsertRecords(bucket, records, mode);
          for (const { key, values } of records) {
            const before = mode === 'merge' ? model.get(key) : undefined;
            model.set(key, { ...before, ...values });
          }
          // Upkeep has trimmed any backlog before each write here, so a write trims its excess.
          trimModel();
        }

        function randomQueries(): DownsampleQuery[] {
          const keys = [...model.keys()] as number[];
          const anyKey = () =>
            keys.length === 0
              ? base
              : pick([
                  () => pick(keys),
                  () => pick(keys) + 1,
                  () => pick(keys) - 1,
                  () => randomKey(),
                  () => Math.floor(pick(keys) / (step * 10)) * step * 10,
                ])();
          const queries: DownsampleQuery[] = [];
          for (const points of [1, 2, 3, 7, 20, 50, 1000]) queries.push({ points });
          for (let i = 0; i < 12; i++) {
            const query: DownsampleQuery = { points: pick([1, 2, 4, 9, 25, 60, 250]) };
            const ends = pick(['both', 'from', 'to', 'wide'] as const);
            if (ends === 'wide') {
              query.from = base - 50 * step;
              query.to = base + (SLOTS + 50) * step;
            } else {
              let from = anyKey();
              let to = anyKey();
              if (from > to && random() < 0.9) [from, to] = [to, from];
              if (ends !== 'to') query.from = from;
              if (ends !== 'from') query.to = to;
            }
            if (random() < 0.25) query.series = pick([[1], [2, 3], [4], [5], [1, 4]]);
            queries.push(query);
          }
          return queries;
        }

        async function expectModel(moment: string) {
          for (const query of randomQueries()) {
            const stored = [...model].map(([key, values]) => ({ key, values }));
            expectSameDownsampled(
              await store.downsampleRecords(bucket, query),
              referenceDownsample(type, stored, query),
              `${moment}: ${JSON.stringify(query)}`,
            );
          }
        }

        /** Checks with stale figures, then again once upkeep caught up. */
        async function expectModelBothWays(change: string) {
          await expectModel(`${change}, before upkeep`);
          await settleUpkeep(store);
          await expectModel(`${change}, after upkeep`);
        }

        await expectModelBothWays('empty');
        for (let i = 0; i < 6; i++) await write(40);
        await expectModelBothWays('inserted');

        // Updates and inserts over figures that upkeep built: some cells stale, others not.
        for (let i = 0; i < 4; i++) await write(15, 0.7);
        await expectModelBothWays('updated');

        const doomed = [...model.keys()].filter(() => random() < 0.15);
        doomed.push(randomKey());
        await store.deleteRecords(bucket, { keys: doomed });
        for (const key of doomed) model.delete(key);
        await expectModelBothWays('deleted by keys');

        for (const ends of ['both', 'from', 'to'] as const) {
          const a = randomKey();
          const b = a + Math.floor(random() * 40) * step + 1;
          const selection = {
            ...(ends !== 'to' && { from: a }),
            ...(ends !== 'from' && { to: ends === 'to' ? a - 200 * step : b }),
          };
          await store.deleteRecords(bucket, selection);
          for (const key of [...model.keys()] as number[]) {
            if (key >= (selection.from ?? -Infinity) && key <= (selection.to ?? Infinity)) {
              model.delete(key);
            }
          }
          await write(10, 0.3);
          await expectModelBothWays(`deleted a range (${ends})`);
        }

        // A lower retention: upkeep trims the oldest keys down to it.
        await write(30);
        retention = Math.max(20, model.size - 40);
        await store.updateDashboard(dashboard.id, { retention });
        await settleUpkeep(store);
        trimModel();
        bucket = (await store.getBucket(bucket.id))!;
        expect(bucket.recordCount).toBe(retention);
        await expectModelBothWays('trimmed to a lower retention');

        // At the retention, each write trims as many of the oldest as it adds.
        await write(12);
        await expectModelBothWays('trimmed by writes');

        await store.purgeRecords(bucket);
        model.clear();
        await expectModelBothWays('purged');
        await write(25);
        await expectModelBothWays('written after the purge');

        // A device writing a record a request, in order, past the retention: its small raw
        // chunks are merged as they come (SQLite: mergeSmallRaw), while each write trims one.
        let next = Math.max(base, ...([...model.keys()] as number[])) + step;
        for (let i = 0; i < 150; i++) {
          const values = randomValues();
          await store.upsertRecords(bucket, [{ key: next, values }], 'merge');
          model.set(next, values);
          trimModel();
          next += step;
        }
        await expectModelBothWays('a record a request, in order');
      });
    }
    it('matches the model: KV buckets, never aggregated', { timeout: 60_000 }, async () => {
      const random = seededRandom(9);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const bucket = await t.makeBucket('KV');
      const model = new Map<RecordKey, SeriesValues>();
      const randomKey = () => `k${String(Math.floor(random() * 400)).padStart(3, '0')}`;
      for (let i = 0; i < 8; i++) {
        const records = Array.from({ length: 30 }, (): DataRecord => {
          const values: SeriesValues =
            random() < 0.2 ? { 2: null } : { 1: Math.round(random() * 100), 2: random() };
          return { key: randomKey(), values };
        });
        await store.upsertRecords(bucket, records, 'replace');
        for (const { key, values } of records) model.set(key, values);
      }
      const doomed = [...model.keys()].filter(() => random() < 0.2);
      await store.deleteRecords(bucket, { keys: doomed });
      for (const key of doomed) model.delete(key);
      for (let i = 0; i < 30; i++) {
        const query: DownsampleQuery = { points: pick([1, 5, 50, 1000]) };
        if (random() < 0.6) query.from = randomKey();
        if (random() < 0.6) query.to = randomKey();
        if (random() < 0.3) query.series = [pick([1, 2, 3])];
        const stored = [...model].map(([key, values]) => ({ key, values }));
        expectSameDownsampled(
          await store.downsampleRecords(bucket, query),
          referenceDownsample('KV', stored, query),
          JSON.stringify(query),
        );
      }
    });
  });
}
