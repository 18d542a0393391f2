import { describe, expect, it } from 'vitest';
import { alertRuleInput, contactPointInput, MAX_CONTACT_POINTS_PER_RULE } from '../src/alerts.ts';

const threshold = {
  kind: 'threshold',
  bucketId: 'b1',
  seriesKey: 1,
  aggregation: 'avg',
  window: 60_000,
  comparison: 'above',
  threshold: 10,
  forMs: 0,
} as const;

describe('alert schemas', () => {
  it('takes a threshold rule, a range rule and a no-data rule', () => {
    expect(alertRuleInput.parse({ name: 'hot', condition: threshold }).contactPointIds).toEqual([]);
    const range = { ...threshold, comparison: 'outside', threshold2: 20 };
    expect(alertRuleInput.safeParse({ name: 'r', condition: range }).success).toBe(true);
    const silent = { kind: 'no_data', bucketId: 'b1', silence: 300_000 };
    expect(alertRuleInput.safeParse({ name: 's', condition: silent }).success).toBe(true);
  });

  it('refuses windows and durations out of range and mismatched thresholds', () => {
    const bad = [
      { ...threshold, window: 59_999 },
      { ...threshold, window: 86_400_001 },
      { ...threshold, forMs: -1 },
      { ...threshold, forMs: 86_400_001 },
      { ...threshold, threshold2: 20 },
      { ...threshold, comparison: 'inside' },
      { ...threshold, comparison: 'inside', threshold2: 10 },
      { ...threshold, aggregation: 'median' },
      { ...threshold, threshold: Number.POSITIVE_INFINITY },
    ];
    for (const condition of bad) {
      expect(
        alertRuleInput.safeParse({ name: 'x', condition }).success,
        JSON.stringify(condition),
      ).toBe(false);
    }
  });

  it('takes at most MAX_CONTACT_POINTS_PER_RULE contact points per rule', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `cp${i}`);
    const rule = (n: number) => ({ name: 'r', condition: threshold, contactPointIds: ids(n) });
    expect(alertRuleInput.safeParse(rule(MAX_CONTACT_POINTS_PER_RULE)).success).toBe(true);
    expect(alertRuleInput.safeParse(rule(MAX_CONTACT_POINTS_PER_RULE + 1)).success).toBe(false);
  });

  it('takes http(s) webhooks only and a valid email', () => {
    const ok = (input: unknown) => contactPointInput.safeParse(input).success;
    expect(ok({ kind: 'webhook', name: 'w', url: 'https://example.com/hook' })).toBe(true);
    expect(ok({ kind: 'slack', name: 's', url: 'http://example.com/x' })).toBe(true);
    expect(ok({ kind: 'webhook', name: 'w', url: 'ftp://example.com/hook' })).toBe(false);
    expect(ok({ kind: 'webhook', name: 'w', url: 'file:///etc/passwd' })).toBe(false);
    expect(ok({ kind: 'webhook', name: 'w', url: 'not a url' })).toBe(false);
    expect(ok({ kind: 'email', name: 'e', email: 'ops@example.com' })).toBe(true);
    expect(ok({ kind: 'email', name: 'e', email: 'nope' })).toBe(false);
  });
});
