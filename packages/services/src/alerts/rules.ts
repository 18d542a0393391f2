import {
  type AlertCondition,
  type AlertRuleSpec,
  AppError,
  MAX_ALERT_HISTORY_PAGE,
  MAX_ALERT_RULES_PER_DASHBOARD,
} from '@bucketgrid/shared';
import {
  type AlertRule,
  type AlertRuleWithState,
  type AlertTransition,
  MissingEntity,
  type Store,
} from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from '../activity.ts';
import { getBucketOrThrow } from '../buckets.ts';

const invalid = (pointer: string, detail: string) =>
  new AppError('invalid_input', detail, { errors: [{ pointer, detail }] });

/**
 * The bucket must be this dashboard's, TSV or IV (KV keys have no order to window over); one
 * series' silence is watched on TSV buckets only (IV keys are not times); contact points must
 * be this dashboard's.
 */
async function checkRule(store: Store, dashboardId: string, input: AlertRuleSpec): Promise<void> {
  const condition: AlertCondition = input.condition;
  const bucket = await getBucketOrThrow(store, condition.bucketId, dashboardId, 'bucket_not_found');
  if (bucket.type === 'KV') {
    throw invalid('/condition/bucketId', 'Alerts watch TSV and IV buckets; this one is KV.');
  }
  if (condition.kind === 'no_data' && condition.seriesKey !== undefined && bucket.type !== 'TSV') {
    throw invalid(
      '/condition/seriesKey',
      "One series' silence is watched on TSV buckets only: leave seriesKey out to watch the bucket.",
    );
  }
  for (const [i, id] of input.contactPointIds.entries()) {
    if (!(await store.getContactPoint(dashboardId, id))) {
      throw invalid(`/contactPointIds/${i}`, 'No such contact point in this dashboard.');
    }
  }
}

const target = (rule: { id: string; name: string }) => ({
  type: 'alert_rule',
  id: rule.id,
  label: rule.name,
});

export async function createAlertRule(
  store: Store,
  dashboardId: string,
  parsed: AlertRuleSpec,
  by: ChangeAuthor,
): Promise<AlertRule> {
  await checkRule(store, dashboardId, parsed);
  const now = by.now();
  try {
    const rule = await store.createAlertRule(
      { dashboardId, ...parsed, paused: false, silencedUntil: null },
      now,
      MAX_ALERT_RULES_PER_DASHBOARD,
      noteOf(by, dashboardId, 'alert_rule.created', target({ id: '', name: parsed.name }), {
        after: parsed.condition,
      }),
    );
    if (!rule) {
      throw new AppError(
        'quota_exceeded',
        `A dashboard holds at most ${MAX_ALERT_RULES_PER_DASHBOARD} alert rules (MAX_ALERT_RULES_PER_DASHBOARD): delete one first.`,
      );
    }
    return rule;
  } catch (error) {
    if (error instanceof MissingEntity) throw new AppError('not_found', 'No such dashboard.');
    throw error;
  }
}

async function change(
  store: Store,
  dashboardId: string,
  ruleId: string,
  by: ChangeAuthor,
  update: Parameters<Store['updateAlertRule']>[2],
  after: unknown,
): Promise<AlertRule> {
  const current = await getAlertRule(store, dashboardId, ruleId);
  const rule = await store.updateAlertRule(
    dashboardId,
    ruleId,
    update,
    by.now(),
    noteOf(by, dashboardId, 'alert_rule.changed', target(current), { after }),
  );
  if (!rule) throw new AppError('not_found', 'No such alert rule in this dashboard.');
  return rule;
}

/** Replaces a rule's name, condition and contact points (a new condition restarts pending). */
export async function updateAlertRule(
  store: Store,
  dashboardId: string,
  ruleId: string,
  parsed: AlertRuleSpec,
  by: ChangeAuthor,
): Promise<AlertRule> {
  await checkRule(store, dashboardId, parsed);
  return change(store, dashboardId, ruleId, by, parsed, parsed.condition);
}

export function pauseAlertRule(
  store: Store,
  dashboardId: string,
  ruleId: string,
  paused: boolean,
  by: ChangeAuthor,
): Promise<AlertRule> {
  return change(store, dashboardId, ruleId, by, { paused }, { paused });
}

export function silenceAlertRule(
  store: Store,
  dashboardId: string,
  ruleId: string,
  until: number | null,
  by: ChangeAuthor,
): Promise<AlertRule> {
  return change(store, dashboardId, ruleId, by, { silencedUntil: until }, { silencedUntil: until });
}

export async function deleteAlertRule(
  store: Store,
  dashboardId: string,
  ruleId: string,
  by: ChangeAuthor,
): Promise<void> {
  const current = await getAlertRule(store, dashboardId, ruleId);
  const deleted = await store.deleteAlertRule(
    dashboardId,
    ruleId,
    noteOf(by, dashboardId, 'alert_rule.deleted', target(current)),
  );
  if (!deleted) throw new AppError('not_found', 'No such alert rule in this dashboard.');
}

export async function getAlertRule(
  store: Store,
  dashboardId: string,
  ruleId: string,
): Promise<AlertRuleWithState> {
  const rule = await store.getAlertRule(dashboardId, ruleId);
  if (!rule) throw new AppError('not_found', 'No such alert rule in this dashboard.');
  return rule;
}

export function listAlertRules(store: Store, dashboardId: string): Promise<AlertRuleWithState[]> {
  return store.listAlertRules(dashboardId);
}

/** A rule's changes of state, newest first (at most MAX_ALERT_HISTORY_PAGE). */
export async function alertHistory(
  store: Store,
  dashboardId: string,
  ruleId: string,
  limit: number,
): Promise<AlertTransition[]> {
  await getAlertRule(store, dashboardId, ruleId);
  return store.listAlertTransitions(
    dashboardId,
    ruleId,
    Math.max(1, Math.min(limit, MAX_ALERT_HISTORY_PAGE)),
  );
}
