import type { AlertState, ThresholdCondition } from '@bucketgrid/shared';
import type { AlertRule, AlertRuleState } from '@bucketgrid/store';

/**
 * What one evaluation saw: the value, and whether the condition holds. `holds: null` is a gap
 * (no data in a threshold rule's window): the rule stays as it is, neither firing nor
 * resolving on the absence of evidence (a no-data rule is what watches for silence).
 */
export interface Observation {
  value: number | null;
  holds: boolean | null;
}

/** What the step reads of a rule (the rule editor's preview walks a rule not yet saved). */
export type SteppedRule = Pick<AlertRule, 'condition' | 'version'>;

/** The announcement a change of state makes: only into and out of `firing`. */
export type Announcement = 'firing' | 'resolved';

export interface Step {
  state: Omit<AlertRuleState, 'ruleId'>;
  /** Present when the state changed. */
  transition?: { at: number; from: AlertState; to: AlertState; value: number | null };
  announce?: Announcement;
}

/**
 * Whether a value breaks a threshold condition. Exactly at a threshold: `above` and `below`
 * do not hold (strict), `outside` does not hold at either bound, `inside` holds at both
 * (docs/alerts.md, "Exactly at the threshold").
 */
export function breaks(condition: ThresholdCondition, value: number): boolean {
  const low = condition.threshold;
  const high = condition.threshold2 ?? low;
  switch (condition.comparison) {
    case 'above':
      return value > low;
    case 'below':
      return value < low;
    case 'outside':
      return value < low || value > high;
    case 'inside':
      return value >= low && value <= high;
  }
}

/** How long the condition must hold before the rule fires (no-data rules fire at once). */
function holdFor(rule: SteppedRule): number {
  return rule.condition.kind === 'threshold' ? rule.condition.forMs : 0;
}

/**
 * One evaluation of one rule at `now`, from its previous state: a pure function, so that the
 * whole state machine is tested with a clock the test holds.
 *
 *   ok --holds--> pending --holds for `forMs`--> firing --no longer holds--> ok (resolved)
 *   pending --no longer holds--> ok (nothing was announced, nothing to resolve)
 *
 * With `forMs` 0 a rule goes from ok to firing at once. A rule whose condition was edited
 * while pending starts its wait again from this evaluation (its version changed): the old
 * condition's time does not count toward the new one. A firing rule stays firing across an
 * edit until the new condition no longer holds. A gap neither advances nor resets a state: a
 * pending rule's wait still counts from when the condition first held.
 */
export function stepRule(
  rule: SteppedRule,
  previous: AlertRuleState | null,
  seen: Observation,
  now: number,
): Step {
  const from: AlertState = previous?.state ?? 'ok';
  const edited = previous !== null && previous.version !== rule.version;
  const since = previous?.since ?? now;
  const base = { lastValue: seen.value, evaluatedAt: now, version: rule.version };
  const stay = (sinceAt = since): Step => ({ state: { ...base, state: from, since: sinceAt } });
  const move = (to: AlertState, announce?: Announcement): Step => ({
    state: { ...base, state: to, since: now },
    transition: { at: now, from, to, value: seen.value },
    ...(announce ? { announce } : {}),
  });

  if (seen.holds === null) return stay();
  if (!seen.holds) {
    if (from === 'firing') return move('ok', 'resolved');
    if (from === 'pending') return move('ok');
    return stay();
  }
  if (from === 'firing') return stay();
  if (from === 'pending') {
    const waitingSince = edited ? now : since;
    return now - waitingSince >= holdFor(rule) ? move('firing', 'firing') : stay(waitingSince);
  }
  return holdFor(rule) === 0 ? move('firing', 'firing') : move('pending');
}
