import type { AlertCondition } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.ts';
import { type Activity, MissingEntity, type Store } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

const condition = (bucketId: string, threshold = 10): AlertCondition => ({
  kind: 'threshold',
  bucketId,
  seriesKey: 1,
  aggregation: 'avg',
  window: 60_000,
  comparison: 'above',
  threshold,
  forMs: 0,
});

export function alertsContract(t: ContractContext): void {
  describe('alerts', () => {
    const { makeDashboard } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });
    const note = (dashboardId: string, action: Activity['action']): Activity => ({
      dashboardId,
      at: Date.now(),
      actor: { type: 'cli', id: null, label: 'test' },
      action,
      target: { type: 'alert_rule', id: '', label: 'r' },
      address: null,
    });
    const makeRule = (dashboardId: string, max = 10, activity?: Activity) =>
      store.createAlertRule(
        {
          dashboardId,
          name: 'hot',
          condition: condition('b1'),
          contactPointIds: [],
          paused: false,
          silencedUntil: null,
        },
        1_000,
        max,
        activity,
      );
    const makePoint = (dashboardId: string, max = 10) =>
      store.createContactPoint(
        {
          dashboardId,
          name: 'hook',
          kind: 'webhook',
          target: 'https://example.com/h',
          secret: 's3',
        },
        1_000,
        max,
      );

    it('creates, lists, changes and deletes rules within their dashboard, with activity', async () => {
      const { dashboard } = await makeDashboard();
      const rule = await makeRule(dashboard.id, 10, note(dashboard.id, 'alert_rule.created'));
      expect(rule).toMatchObject({ version: 1, createdAt: 1_000, paused: false });
      if (!rule) throw new Error('no rule');
      expect(await store.listAlertRules(dashboard.id)).toEqual([{ ...rule, state: null }]);
      const log = await store.listActivity(dashboard.id, {}, { limit: 10 });
      expect(log.entries[0]).toMatchObject({
        action: 'alert_rule.created',
        target: { id: rule.id },
      });

      // A new name keeps the version; a new condition raises it.
      const renamed = await store.updateAlertRule(dashboard.id, rule.id, { name: 'warm' }, 2_000);
      expect(renamed).toMatchObject({ name: 'warm', version: 1, updatedAt: 2_000 });
      const changed = await store.updateAlertRule(
        dashboard.id,
        rule.id,
        { condition: condition('b1', 20), paused: true, silencedUntil: 9_000 },
        3_000,
      );
      expect(changed).toMatchObject({ version: 2, paused: true, silencedUntil: 9_000 });
      expect(await store.getAlertRule(dashboard.id, rule.id)).toEqual({ ...changed, state: null });

      // Another dashboard's id reaches nothing.
      const other = await makeDashboard();
      expect(await store.getAlertRule(other.dashboard.id, rule.id)).toBeNull();
      expect(await store.updateAlertRule(other.dashboard.id, rule.id, { name: 'x' }, 1)).toBeNull();
      expect(await store.deleteAlertRule(other.dashboard.id, rule.id)).toBe(false);
      expect(await store.deleteAlertRule(dashboard.id, rule.id)).toBe(true);
      expect(await store.listAlertRules(dashboard.id)).toEqual([]);
    });

    it('holds a dashboard to its rule and contact point limits, and refuses a missing dashboard', async () => {
      const { dashboard } = await makeDashboard();
      expect(await makeRule(dashboard.id, 2)).not.toBeNull();
      expect(await makeRule(dashboard.id, 2)).not.toBeNull();
      expect(await makeRule(dashboard.id, 2)).toBeNull();
      expect(await store.listAlertRules(dashboard.id)).toHaveLength(2);
      expect(await makePoint(dashboard.id, 1)).not.toBeNull();
      expect(await makePoint(dashboard.id, 1)).toBeNull();
      await expect(makeRule(newId())).rejects.toBeInstanceOf(MissingEntity);
      await expect(makePoint(newId())).rejects.toBeInstanceOf(MissingEntity);
    });

    it('stores an evaluation: state, change and outbox together; skips a deleted rule', async () => {
      const { dashboard } = await makeDashboard();
      const rule = await makeRule(dashboard.id);
      const point = await makePoint(dashboard.id);
      if (!rule || !point) throw new Error('setup');
      const notificationId = newId();
      await store.recordAlertEvaluations([
        {
          ruleId: rule.id,
          state: { state: 'firing', since: 5_000, lastValue: 12.5, evaluatedAt: 5_000, version: 1 },
          transition: { at: 5_000, from: 'ok', to: 'firing', value: 12.5 },
          notifications: [
            {
              id: notificationId,
              dashboardId: dashboard.id,
              contactPointId: point.id,
              ruleId: rule.id,
              payload: { type: 'alert.firing', value: 12.5 },
              nextAttemptAt: 5_000,
              createdAt: 5_000,
            },
          ],
        },
        {
          ruleId: newId(),
          state: { state: 'firing', since: 5_000, lastValue: 1, evaluatedAt: 5_000, version: 1 },
          notifications: [],
        },
      ]);
      const [stored] = await store.listAlertRules(dashboard.id);
      expect(stored?.state).toEqual({
        ruleId: rule.id,
        state: 'firing',
        since: 5_000,
        lastValue: 12.5,
        evaluatedAt: 5_000,
        version: 1,
      });
      const history = await store.listAlertTransitions(dashboard.id, rule.id, 10);
      expect(history).toMatchObject([{ ruleId: rule.id, from: 'ok', to: 'firing', value: 12.5 }]);
      expect(await store.listAlertTransitions(newId(), rule.id, 10)).toEqual([]);

      const due = await store.dueNotifications(5_000, 100);
      const mine = due.find((n) => n.id === notificationId);
      expect(mine).toMatchObject({ status: 'pending', attempts: 0, payload: { value: 12.5 } });
      expect((await store.dueNotifications(4_999, 100)).some((n) => n.id === notificationId)).toBe(
        false,
      );

      // A retry keeps it pending until later; delivery ends it.
      const attempt = {
        notificationId,
        contactPointId: point.id,
        httpStatus: 500,
        error: 'HTTP 500',
        latencyMs: 3,
      };
      await store.recordDeliveryAttempt({ ...attempt, at: 5_000, outcome: 'retry' }, 35_000);
      expect((await store.dueNotifications(34_999, 100)).some((n) => n.id === notificationId)).toBe(
        false,
      );
      expect(await store.getNotification(notificationId)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: 35_000,
      });
      await store.recordDeliveryAttempt(
        { ...attempt, at: 35_000, httpStatus: 200, error: null, outcome: 'delivered' },
        null,
      );
      expect(await store.getNotification(notificationId)).toMatchObject({
        status: 'delivered',
        attempts: 2,
      });
      const log = await store.listDeliveryAttempts(dashboard.id, point.id, 10);
      expect(log.map((a) => [a.httpStatus, a.outcome])).toEqual([
        [200, 'delivered'],
        [500, 'retry'],
      ]);
      expect(await store.listDeliveryAttempts(newId(), point.id, 10)).toEqual([]);
      expect(await store.trimAlertLog(40_000, 100)).toBeGreaterThanOrEqual(3);
      expect(await store.getNotification(notificationId)).toBeNull();
    });

    it('deleting a contact point takes it off rules and drops its notifications', async () => {
      const { dashboard } = await makeDashboard();
      const point = await makePoint(dashboard.id);
      if (!point) throw new Error('setup');
      const rule = await store.createAlertRule(
        {
          dashboardId: dashboard.id,
          name: 'r',
          condition: condition('b1'),
          contactPointIds: [point.id, 'other'],
          paused: false,
          silencedUntil: null,
        },
        1,
        10,
      );
      if (!rule) throw new Error('setup');
      const id = newId();
      await store.enqueueNotification({
        id,
        dashboardId: dashboard.id,
        contactPointId: point.id,
        ruleId: null,
        payload: { type: 'test' },
        nextAttemptAt: 1,
        createdAt: 1,
      });
      expect(await store.getNotification(id)).toMatchObject({ status: 'pending' });
      expect(await store.getContactPoint(dashboard.id, point.id)).toEqual(point);
      const other = await makeDashboard();
      expect(await store.getContactPoint(other.dashboard.id, point.id)).toBeNull();
      expect(await store.deleteContactPoint(other.dashboard.id, point.id)).toBe(false);
      expect(await store.deleteContactPoint(dashboard.id, point.id)).toBe(true);
      expect((await store.getAlertRule(dashboard.id, rule.id))?.contactPointIds).toEqual(['other']);
      expect(await store.getNotification(id)).toBeNull();
      expect(await store.listContactPoints(dashboard.id)).toEqual([]);
      // A notification for a contact point of another dashboard is not queued.
      await store.enqueueNotification({
        id: newId(),
        dashboardId: other.dashboard.id,
        contactPointId: point.id,
        ruleId: null,
        payload: {},
        nextAttemptAt: 1,
        createdAt: 1,
      });
    });

    it('lets one holder at a time evaluate; a lapsed lease passes to another', async () => {
      const a = `a-${newId()}`;
      const b = `b-${newId()}`;
      // Far ahead of the real clock: any lease taken before this test has lapsed by then.
      const base = Date.now() + 10 ** 9;
      expect(await store.takeAlertLease(a, base, 30_000)).toBe(true);
      expect(await store.takeAlertLease(b, base + 1_000, 30_000)).toBe(false);
      expect(await store.takeAlertLease(a, base + 10_000, 30_000)).toBe(true);
      expect(await store.takeAlertLease(b, base + 39_999, 30_000)).toBe(false);
      expect(await store.takeAlertLease(b, base + 40_000, 30_000)).toBe(true);
      expect(await store.takeAlertLease(a, base + 41_000, 30_000)).toBe(false);
    });

    it('passes the lease on at once when its holder gives it back, and only then', async () => {
      const a = `a-${newId()}`;
      const b = `b-${newId()}`;
      const base = Date.now() + 2 * 10 ** 9;
      expect(await store.takeAlertLease(a, base, 30_000)).toBe(true);
      await store.releaseAlertLease(b);
      expect(await store.takeAlertLease(b, base + 1, 30_000)).toBe(false);
      await store.releaseAlertLease(a);
      expect(await store.takeAlertLease(b, base + 2, 30_000)).toBe(true);
      await store.releaseAlertLease(a);
      expect(await store.takeAlertLease(a, base + 3, 30_000)).toBe(false);
    });

    it('pages through every dashboard’s rules for the evaluator, in id order', async () => {
      const { dashboard } = await makeDashboard();
      const made = [await makeRule(dashboard.id), await makeRule(dashboard.id)];
      const ids = new Set(made.map((r) => r?.id));
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 1_000; page++) {
        const rules = await store.listRulesToEvaluate(after, 2);
        if (rules.length === 0) break;
        seen.push(...rules.map((r) => r.id));
        after = rules.at(-1)?.id ?? null;
      }
      expect(seen).toEqual([...seen].sort());
      expect(seen.filter((id) => ids.has(id))).toHaveLength(2);
    });

    it('a deleted dashboard takes its rules and contact points with it', async () => {
      const { dashboard } = await makeDashboard();
      await makeRule(dashboard.id);
      await makePoint(dashboard.id);
      await store.deleteDashboard(dashboard.id);
      expect(await store.listAlertRules(dashboard.id)).toEqual([]);
      expect(await store.listContactPoints(dashboard.id)).toEqual([]);
    });
  });
}
