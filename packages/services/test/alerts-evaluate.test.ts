import type { AlertCondition, ThresholdCondition } from '@bucketgrid/shared';
import { type Bucket, openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase, type TestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser } from '../src/accounts.ts';
import { evaluateRound } from '../src/alerts/evaluate.ts';
import { breaks } from '../src/alerts/step.ts';
import { createBucket } from '../src/buckets.ts';
import { createDashboard } from '../src/dashboards.ts';
import { addRule as addRuleTo, addWebhook, thresholdCondition } from './alert-fixtures.ts';

vi.setConfig({ testTimeout: 60_000 });

const S = 1_000;
/** The clock the evaluator is given: record keys and evaluation times are set from it. */
const T = Date.UTC(2026, 0, 1);

let database: TestDatabase;
let store: Store;
beforeAll(async () => {
  database = createTestDatabase('alerts');
  store = await openStore(database.url);
});
afterAll(async () => {
  await store.close();
  await database.destroy();
});

let n = 0;
async function setup(type: Bucket['type'] = 'TSV') {
  const user = await createUser(store, {
    email: `alerts${++n}@example.com`,
    password: 'correct horse battery',
    name: 'A',
  });
  const dashboard = await createDashboard(store, { ownerId: user.id, name: `Alerts ${n}` });
  const bucket = await createBucket(store, { dashboardId: dashboard.id, name: 'b', type });
  const point = await addWebhook(store, dashboard.id, 'https://x.test/', { secret: 's', now: T });
  const addRule = (condition: AlertCondition, createdAt = T) =>
    addRuleTo(store, dashboard.id, condition, { contactPointIds: [point.id], createdAt });
  const write = (key: number, values: Record<number, number>) =>
    store.upsertRecords(bucket, [{ key, values }], 'merge');
  return { dashboard, bucket, point, addRule, write };
}

/** Evaluates every rule at `now`; returns the rule's state and the notifications it queued. */
async function evaluateAt(ruleId: string, dashboardId: string, now: number) {
  const before = new Set(
    (await store.dueNotifications(Number.MAX_SAFE_INTEGER, 1_000)).map((x) => x.id),
  );
  let after: string | null = null;
  do {
    after = (await evaluateRound(store, now, after, 50)).next;
  } while (after !== null);
  const rule = await store.getAlertRule(dashboardId, ruleId);
  const queued = (await store.dueNotifications(Number.MAX_SAFE_INTEGER, 1_000)).filter(
    (x) => x.ruleId === ruleId && !before.has(x.id),
  );
  return { state: rule?.state, queued: queued.map((x) => x.payload) };
}

/** `last` over a minute above 10, held for `forMs`. */
const hot = (bucketId: string, forMs: number): ThresholdCondition =>
  thresholdCondition(bucketId, { threshold: 10, forMs });

describe('alert evaluation with a clock the test holds', () => {
  it('continues where a round stopped, and starts over when none is left', async () => {
    const { bucket, addRule } = await setup();
    await addRule(hot(bucket.id, 0));
    await addRule(hot(bucket.id, 0));
    const all = (await store.listRulesToEvaluate(null, 10_000)).length;
    // Exactly as many rules as a round takes: one round, and the next starts over.
    expect((await evaluateRound(store, T, null, all)).next).toBeNull();
    const first = await evaluateRound(store, T, null, all - 1);
    expect(first.evaluated).toBe(all - 1);
    const rest = await evaluateRound(store, T, first.next, all - 1);
    expect(rest).toMatchObject({ evaluated: 1, next: null });
  });

  it('walks a threshold rule: gap, exactly at the threshold, pending, a gap while pending, firing, resolved', async () => {
    const { dashboard, bucket, addRule, write } = await setup();
    const rule = await addRule(hot(bucket.id, 30 * S));
    const at = (now: number) => evaluateAt(rule.id, dashboard.id, now);

    // No data in the window: a gap, the rule stays ok and notes no value.
    expect(await at(T)).toMatchObject({ state: { state: 'ok', lastValue: null }, queued: [] });
    // Exactly at the threshold: "above" does not hold.
    await write(T + 1 * S, { 1: 10 });
    expect(await at(T + 2 * S)).toMatchObject({ state: { state: 'ok', lastValue: 10 } });
    // Above it: pending from now, nothing announced.
    await write(T + 3 * S, { 1: 11 });
    expect(await at(T + 4 * S)).toMatchObject({
      state: { state: 'pending', since: T + 4 * S, lastValue: 11 },
      queued: [],
    });
    expect(await at(T + 20 * S)).toMatchObject({ state: { state: 'pending', since: T + 4 * S } });
    // A gap while pending holds the state (and the time the wait began).
    expect(await at(T + 70 * S)).toMatchObject({
      state: { state: 'pending', since: T + 4 * S, lastValue: null },
    });
    // Data again, still above, past `for`: firing, announced with the deciding value.
    await write(T + 71 * S, { 1: 12 });
    const firing = await at(T + 72 * S);
    expect(firing.state).toMatchObject({ state: 'firing', since: T + 72 * S, lastValue: 12 });
    expect(firing.queued).toMatchObject([
      { type: 'alert.firing', state: 'firing', previousState: 'pending', value: 12 },
    ]);
    // Still above: no second announcement.
    expect((await at(T + 75 * S)).queued).toEqual([]);
    // Back under: resolved, announced.
    await write(T + 80 * S, { 1: 9 });
    const resolved = await at(T + 81 * S);
    expect(resolved.state).toMatchObject({ state: 'ok', lastValue: 9 });
    expect(resolved.queued).toMatchObject([
      { type: 'alert.resolved', previousState: 'firing', value: 9 },
    ]);
    // Pending, then under again before `for`: back to ok with nothing announced.
    await write(T + 90 * S, { 1: 50 });
    expect((await at(T + 91 * S)).state?.state).toBe('pending');
    await write(T + 95 * S, { 1: 1 });
    expect(await at(T + 96 * S)).toMatchObject({ state: { state: 'ok' }, queued: [] });

    const history = await store.listAlertTransitions(dashboard.id, rule.id, 100);
    expect(history.map((h) => [h.from, h.to, h.value])).toEqual([
      ['pending', 'ok', 1],
      ['ok', 'pending', 50],
      ['firing', 'ok', 9],
      ['pending', 'firing', 12],
      ['ok', 'pending', 11],
    ]);
  });

  it('restarts the wait of a rule edited while pending; fires at once with for = 0', async () => {
    const { dashboard, bucket, addRule, write } = await setup();
    const rule = await addRule(hot(bucket.id, 30 * S));
    const at = (now: number) => evaluateAt(rule.id, dashboard.id, now);
    await write(T + 1 * S, { 1: 20 });
    expect((await at(T + 2 * S)).state).toMatchObject({ state: 'pending', since: T + 2 * S });
    await store.updateAlertRule(
      dashboard.id,
      rule.id,
      { condition: { ...hot(bucket.id, 30 * S), threshold: 15 } },
      T + 3 * S,
    );
    await write(T + 40 * S, { 1: 20 });
    // 38 s after the old wait began, but the new condition's wait starts at this evaluation.
    expect(await at(T + 40 * S)).toMatchObject({
      state: { state: 'pending', since: T + 40 * S, version: 2 },
      queued: [],
    });
    expect((await at(T + 69 * S)).state?.state).toBe('pending');
    expect((await at(T + 70 * S)).state?.state).toBe('firing');

    const instant = await addRule(hot(bucket.id, 0));
    const now = await evaluateAt(instant.id, dashboard.id, T + 71 * S);
    expect(now.state?.state).toBe('firing');
    expect(now.queued).toMatchObject([{ type: 'alert.firing', previousState: 'ok' }]);
  });

  it('a silenced rule changes state without notifying; a paused one is not evaluated', async () => {
    const { dashboard, bucket, addRule, write } = await setup();
    const quiet = await addRule(hot(bucket.id, 0));
    await store.updateAlertRule(dashboard.id, quiet.id, { silencedUntil: T + 10 * S }, T);
    const paused = await addRule(hot(bucket.id, 0));
    await store.updateAlertRule(dashboard.id, paused.id, { paused: true }, T);
    await write(T + 1 * S, { 1: 20 });
    expect(await evaluateAt(quiet.id, dashboard.id, T + 2 * S)).toMatchObject({
      state: { state: 'firing' },
      queued: [],
    });
    expect((await evaluateAt(paused.id, dashboard.id, T + 2 * S)).state).toBeNull();
    // After the silence, the next change notifies.
    await write(T + 20 * S, { 1: 0 });
    expect((await evaluateAt(quiet.id, dashboard.id, T + 21 * S)).queued).toMatchObject([
      { type: 'alert.resolved' },
    ]);
  });

  it('computes avg, min, max and count over the window from the aggregates', async () => {
    const { dashboard, bucket, addRule, write } = await setup();
    for (const [offset, value] of [
      [0, 4],
      [10, 8],
      [20, 6],
      [30, 2],
    ] as const) {
      await write(T + offset * S, { 1: value });
    }
    const now = T + 30 * S;
    const value = async (aggregation: ThresholdCondition['aggregation'], window = 60 * S) => {
      const rule = await addRule({ ...hot(bucket.id, 0), aggregation, window });
      return (await evaluateAt(rule.id, dashboard.id, now)).state?.lastValue;
    };
    expect(await value('avg')).toBe(5);
    expect(await value('min')).toBe(2);
    expect(await value('max')).toBe(8);
    expect(await value('last')).toBe(2);
    expect(await value('count')).toBe(4);
    // The window is the last minute: from 30 s before the first record, only what is inside.
    expect(await value('count', 60 * S)).toBe(4);
    const late = await addRule({ ...hot(bucket.id, 0), aggregation: 'count' });
    expect((await evaluateAt(late.id, dashboard.id, T + 85 * S)).state?.lastValue).toBe(1);
  });

  it('walks a no-data rule on a bucket: ok, firing exactly at the silence, resolved by a write', async () => {
    const { dashboard, bucket, addRule, write } = await setup();
    // The store notes a bucket's last write on the real clock.
    await write(T, { 1: 1 });
    const written = (await store.getBucket(bucket.id))?.lastWriteAt ?? 0;
    const rule = await addRule({ kind: 'no_data', bucketId: bucket.id, silence: 60 * S });
    const at = (now: number) => evaluateAt(rule.id, dashboard.id, now);
    expect(await at(written + 59_999)).toMatchObject({ state: { state: 'ok', lastValue: 60 } });
    const silent = await at(written + 60_000);
    expect(silent.state).toMatchObject({ state: 'firing', lastValue: 60 });
    expect(silent.queued).toMatchObject([{ type: 'alert.firing', previousState: 'ok' }]);
    await write(T + S, { 1: 2 });
    const again = (await store.getBucket(bucket.id))?.lastWriteAt ?? 0;
    const resolved = await at(again + 1_000);
    expect(resolved.state).toMatchObject({ state: 'ok', lastValue: 1 });
    expect(resolved.queued).toMatchObject([{ type: 'alert.resolved' }]);
  });

  it('a bucket never written is silent from the rule’s creation; one series can be watched alone', async () => {
    const { dashboard, bucket, addRule, write } = await setup();
    const never = await addRule({ kind: 'no_data', bucketId: bucket.id, silence: 60 * S }, T);
    expect((await evaluateAt(never.id, dashboard.id, T + 59 * S)).state?.state).toBe('ok');
    expect((await evaluateAt(never.id, dashboard.id, T + 60 * S)).state?.state).toBe('firing');

    const series = await addRule({
      kind: 'no_data',
      bucketId: bucket.id,
      seriesKey: 2,
      silence: 60 * S,
    });
    await write(T + 100 * S, { 1: 1, 2: 7 });
    await write(T + 150 * S, { 1: 1 });
    expect(await evaluateAt(series.id, dashboard.id, T + 160 * S)).toMatchObject({
      state: { state: 'ok', lastValue: 7 },
    });
    // Series 1 keeps coming; series 2 has been silent for a minute.
    expect(await evaluateAt(series.id, dashboard.id, T + 160.001 * S)).toMatchObject({
      state: { state: 'firing', lastValue: null },
    });
  });

  it('an IV bucket’s window is the last keys up to its last key', async () => {
    const { dashboard, bucket, addRule, write } = await setup('IV');
    await write(1_000, { 1: 100 });
    await write(100_000, { 1: 5 });
    await write(130_000, { 1: 7 });
    const rule = await addRule({ ...hot(bucket.id, 0), aggregation: 'max' });
    // Keys 70,001 to 130,000: the 100 at key 1,000 is outside.
    expect((await evaluateAt(rule.id, dashboard.id, T)).state).toMatchObject({
      state: 'ok',
      lastValue: 7,
    });
  });
});

describe('the bound on a round', () => {
  it('reads at most `limit` rules a round and continues where it stopped', async () => {
    const { bucket, addRule } = await setup();
    for (let i = 0; i < 3; i++) await addRule(hot(bucket.id, 0));
    let after: string | null = null;
    let rounds = 0;
    do {
      const round = await evaluateRound(store, T, after, 2);
      expect(round.evaluated).toBeLessThanOrEqual(2);
      after = round.next;
      rounds++;
    } while (after !== null);
    const all = await store.listRulesToEvaluate(null, 10_000);
    expect(rounds).toBe(Math.floor(all.length / 2) + 1);
  });
});

describe('thresholds, exactly at the bounds', () => {
  const c = (comparison: ThresholdCondition['comparison'], threshold2?: number) => ({
    ...hot('b', 0),
    comparison,
    threshold: 10,
    ...(threshold2 === undefined ? {} : { threshold2 }),
  });
  it('above and below are strict; outside excludes its bounds, inside includes them', () => {
    expect([9, 10, 11].map((v) => breaks(c('above'), v))).toEqual([false, false, true]);
    expect([9, 10, 11].map((v) => breaks(c('below'), v))).toEqual([true, false, false]);
    expect([9, 10, 20, 21].map((v) => breaks(c('outside', 20), v))).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect([9, 10, 20, 21].map((v) => breaks(c('inside', 20), v))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
});
