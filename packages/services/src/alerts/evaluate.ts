import {
  type AlertEvaluation,
  type AlertRuleWithState,
  newId,
  type Store,
} from '@bucketgrid/store';
import { observe } from './observe.ts';
import { announcementPayload } from './payload.ts';
import { type Observation, stepRule } from './step.ts';

/**
 * Rules one evaluation round reads at most (`ALERT_RULES_PER_ROUND`): one downsampled read
 * each, so a round's cost is bounded whatever the number of rules. With more rules than
 * this, the next round continues where this one stopped, so every rule is evaluated every
 * ⌈rules ÷ 1,000⌉ rounds.
 */
export const ALERT_RULES_PER_ROUND = 1_000;

export interface EvaluationRound {
  evaluated: number;
  /** Rules whose state changed. */
  changed: number;
  /** The dashboards of those rules, each once (their open views are told). */
  changedDashboards: string[];
  /** Notifications queued. */
  queued: number;
  /** Where the next round starts: null at the end of the rules (it starts over). */
  next: string | null;
}

/**
 * Evaluates up to `limit` rules after `after` at `now` and stores, in one transaction, their
 * states, changes and the notifications the changes cause (so that a crash loses none). A
 * paused rule is skipped; a silenced one changes state without notifying. A rule whose bucket
 * is gone, or whose read fails, keeps its state (the failure is reported through `onError`).
 */
export async function evaluateRound(
  store: Store,
  now: number,
  after: string | null,
  limit = ALERT_RULES_PER_ROUND,
  onError: (ruleId: string, error: unknown) => void = () => {},
): Promise<EvaluationRound> {
  // One more than the round takes, to know whether any is left: with exactly `limit` rules,
  // every other round found nothing after the cursor and each rule waited two rounds.
  const listed = await store.listRulesToEvaluate(after, limit + 1);
  const rules = listed.slice(0, limit);
  const evaluations: AlertEvaluation[] = [];
  let changed = 0;
  let queued = 0;
  const changedDashboards = new Set<string>();
  for (const rule of rules) {
    if (rule.paused) continue;
    let seen: Observation;
    try {
      const bucket = await store.getBucket(rule.condition.bucketId);
      if (!bucket || bucket.dashboardId !== rule.dashboardId || bucket.type === 'KV') continue;
      seen = await observe(store, bucket, rule.condition, now, rule.createdAt);
    } catch (error) {
      onError(rule.id, error);
      continue;
    }
    const evaluation = evaluationOf(rule, seen, now);
    if (evaluation.transition) {
      changed++;
      changedDashboards.add(rule.dashboardId);
    }
    queued += evaluation.notifications.length;
    evaluations.push(evaluation);
  }
  await store.recordAlertEvaluations(evaluations);
  return {
    evaluated: evaluations.length,
    changed,
    changedDashboards: [...changedDashboards],
    queued,
    next: listed.length > limit ? (rules.at(-1)?.id ?? null) : null,
  };
}

function evaluationOf(rule: AlertRuleWithState, seen: Observation, now: number): AlertEvaluation {
  const step = stepRule(rule, rule.state, seen, now);
  const silenced = rule.silencedUntil !== null && now < rule.silencedUntil;
  const { announce, transition } = step;
  const payload =
    announce && transition && !silenced
      ? { ...announcementPayload(rule, announce, transition.from, seen.value, now) }
      : null;
  return {
    ruleId: rule.id,
    state: step.state,
    ...(transition ? { transition } : {}),
    notifications: payload
      ? rule.contactPointIds.map((contactPointId) => ({
          id: newId(),
          dashboardId: rule.dashboardId,
          contactPointId,
          ruleId: rule.id,
          payload,
          nextAttemptAt: now,
          createdAt: now,
        }))
      : [],
  };
}
