import type { ThresholdCondition } from '@bucketgrid/shared';
import { type Bucket, openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase, type TestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser } from '../src/accounts.ts';
import { evaluateRound } from '../src/alerts/evaluate.ts';
import { type PreviewFiring, previewAlertRule } from '../src/alerts/preview.ts';
import { createBucket } from '../src/buckets.ts';
import { createDashboard } from '../src/dashboards.ts';
import { addRule, thresholdCondition } from './alert-fixtures.ts';

vi.setConfig({ testTimeout: 120_000 });

const S = 1_000;
const M = 60 * S;
/** The clock: the preview is asked at NOW, the evaluator walked up to it. */
const NOW = Date.UTC(2026, 0, 2);

let database: TestDatabase;
let store: Store;
let dashboardId: string;
beforeAll(async () => {
  database = createTestDatabase('alerts-preview');
  store = await openStore(database.url);
  const user = await createUser(store, {
    email: 'preview@example.com',
    password: 'correct horse battery',
    name: 'P',
  });
  dashboardId = (await createDashboard(store, { ownerId: user.id, name: 'Preview' })).id;
});
afterAll(async () => {
  await store.close();
  await database.destroy();
});

/**
 * A bucket with one record every `every` over the last `minutes` before NOW, keyed between
 * minute ends (a record keyed exactly at a minute's end is the one place the two differ):
 * bursts above 30 of several lengths, short and long, over a base of 10 or so, and gaps.
 */
async function bucketWithBursts(name: string, minutes: number, every: number): Promise<Bucket> {
  const bucket = await createBucket(store, { dashboardId, name, type: 'TSV' });
  const start = NOW - minutes * M;
  const records = [];
  for (let key = start + 5 * S; key < NOW; key += every) {
    const minute = Math.floor((key - start) / M);
    if (minute % 53 >= 40 && minute % 53 < 46) continue;
    const burst = minute % 47 < 1 + (minute % 5) * 2 || minute % 31 === 7;
    records.push({ key, values: { 1: burst ? 40 + (minute % 3) : 10 + (minute % 4) } });
  }
  await store.upsertRecords(bucket, records, 'merge');
  return bucket;
}

/** The evaluator's own walk: one round at every minute's end up to NOW, then its firings. */
async function evaluatorFirings(
  condition: ThresholdCondition,
  fromMinutes: number,
): Promise<PreviewFiring[]> {
  const rule = await addRule(store, dashboardId, condition, { createdAt: NOW - 25 * 60 * M });
  for (let at = NOW - fromMinutes * M; at <= NOW; at += M) {
    let after: string | null = null;
    do after = (await evaluateRound(store, at, after)).next;
    while (after !== null);
  }
  const changes = (await store.listAlertTransitions(dashboardId, rule.id, 10_000)).reverse();
  await store.deleteAlertRule(dashboardId, rule.id);
  const firings: PreviewFiring[] = [];
  for (const change of changes) {
    if (change.to === 'firing') firings.push({ from: change.at, to: null, value: change.value });
    else if (change.from === 'firing') firings.at(-1)!.to = change.at;
  }
  return firings;
}

/** An average over three minutes above 30 for two minutes; `change` overrides. */
const condition = (bucketId: string, change: Partial<ThresholdCondition>) =>
  thresholdCondition(bucketId, { aggregation: 'avg', window: 3 * M, forMs: 2 * M, ...change });

describe("the rule editor's preview", () => {
  // 5 hours at 10 s: 1,800 records, more than the read's points, so the store answers with
  // one-minute intervals; 4 hours at 1 min: raw records, which the preview folds itself.
  const cases = [
    { name: 'aggregated', minutes: 300, every: 10 * S },
    { name: 'raw', minutes: 240, every: M },
  ];
  const changes: Partial<ThresholdCondition>[] = [
    {},
    { aggregation: 'max', forMs: 0, window: M },
    { aggregation: 'last', comparison: 'outside', threshold: 5, threshold2: 35, forMs: M },
    { aggregation: 'count', threshold: 1, window: 2 * M, forMs: 0 },
    { aggregation: 'min', comparison: 'below', threshold: 12, window: 5 * M, forMs: 3 * M },
  ];
  for (const { name, minutes, every } of cases) {
    it(`fires at the moments the evaluator walked over the same data fires (${name})`, async () => {
      const bucket = await bucketWithBursts(name, minutes, every);
      for (const change of changes) {
        const rule = condition(bucket.id, change);
        const preview = await previewAlertRule(store, dashboardId, rule, NOW);
        expect(preview.interval).toBe(M);
        expect(preview.firings.length, JSON.stringify(change)).toBeGreaterThan(2);
        expect(preview.firings, JSON.stringify(change)).toEqual(
          await evaluatorFirings(rule, minutes + 10),
        );
      }
    });
  }

  it('refuses an IV bucket and another dashboard’s bucket', async () => {
    const iv = await createBucket(store, { dashboardId, name: 'iv', type: 'IV' });
    await expect(
      previewAlertRule(store, dashboardId, condition(iv.id, {}), NOW),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    const bucket = await bucketWithBursts('mine', 10, M);
    await expect(
      previewAlertRule(store, 'someone-elses-dashboard', condition(bucket.id, {}), NOW),
    ).rejects.toMatchObject({ code: 'bucket_not_found' });
  });
});
