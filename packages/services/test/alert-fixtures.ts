import type { AlertCondition, ThresholdCondition } from '@bucketgrid/shared';
import type { AlertRule, ContactPoint, Store } from '@bucketgrid/store';

/**
 * What the alert tests and bench:alerts set up again and again, straight in the store: a
 * threshold condition, a webhook contact point, a rule. Quotas are not what they test: the
 * caps passed are generous.
 */

/** `last` of series 1 over a minute above 30, firing at once; `change` overrides. */
export function thresholdCondition(
  bucketId: string,
  change: Partial<ThresholdCondition> = {},
): ThresholdCondition {
  return {
    kind: 'threshold',
    bucketId,
    seriesKey: 1,
    aggregation: 'last',
    window: 60_000,
    comparison: 'above',
    threshold: 30,
    forMs: 0,
    ...change,
  };
}

export async function addWebhook(
  store: Store,
  dashboardId: string,
  target: string,
  { secret = 'whsec_test', now = Date.now() } = {},
): Promise<ContactPoint> {
  const point = await store.createContactPoint(
    { dashboardId, name: 'hook', kind: 'webhook', target, secret },
    now,
    100,
  );
  if (!point) throw new Error('the dashboard holds too many contact points for this test');
  return point;
}

export async function addRule(
  store: Store,
  dashboardId: string,
  condition: AlertCondition,
  { contactPointIds = [] as string[], createdAt = Date.now(), name = 'rule', paused = false } = {},
): Promise<AlertRule> {
  const rule = await store.createAlertRule(
    { dashboardId, name, condition, contactPointIds, paused, silencedUntil: null },
    createdAt,
    100,
  );
  if (!rule) throw new Error('the dashboard holds too many rules for this test');
  return rule;
}
