import type { AlertCondition, AlertState, ContactPointKind } from '@bucketgrid/shared';
import type { Activity } from './activity.ts';

/**
 * Alerts (docs/alerts.md): rules and their stored states, contact points, the outbox of
 * notifications and its delivery log, and the lease that lets one server process evaluate at
 * a time. All times are unix milliseconds.
 */

export interface AlertRule {
  id: string;
  dashboardId: string;
  name: string;
  condition: AlertCondition;
  contactPointIds: string[];
  paused: boolean;
  /** Notifications are held until then (states still change); null: not silenced. */
  silencedUntil: number | null;
  /** Raised by every change of the condition: a pending state restarts on a new version. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** Where a rule stands, as the last evaluation left it. */
export interface AlertRuleState {
  ruleId: string;
  state: AlertState;
  /** Since when the rule is in this state (for `pending`: since the condition held). */
  since: number;
  /** The value the last evaluation saw (null: no data in the window). */
  lastValue: number | null;
  evaluatedAt: number;
  /** The rule's version this state was reached under. */
  version: number;
}

/** One change of a rule's state, with the value that decided it. */
export interface AlertTransition {
  id: string;
  ruleId: string;
  at: number;
  from: AlertState;
  to: AlertState;
  value: number | null;
}

export interface AlertRuleWithState extends AlertRule {
  /** Null before the first evaluation. */
  state: AlertRuleState | null;
}

export interface ContactPoint {
  id: string;
  dashboardId: string;
  name: string;
  kind: ContactPointKind;
  /** The URL of a webhook or Slack contact point, the address of an email one. */
  target: string;
  /** Signs every webhook (HMAC-SHA256); shown to its creator once. */
  secret: string;
  createdAt: number;
}

export type NotificationStatus = 'pending' | 'delivered' | 'failed' | 'suppressed';

/**
 * One notification to one contact point, written in the transaction of the state change that
 * caused it (so a crash never loses one); its id travels with every attempt, so a receiver
 * can drop a repeat.
 */
export interface AlertNotification {
  id: string;
  dashboardId: string;
  contactPointId: string;
  /** The rule it is about; null for a "send test". */
  ruleId: string | null;
  /** What the receiver gets (docs/alerts.md, "Payload"), without the delivery headers. */
  payload: Record<string, unknown>;
  status: NotificationStatus;
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: number;
  createdAt: number;
}

export interface DeliveryAttempt {
  notificationId: string;
  contactPointId: string;
  at: number;
  /** The HTTP status; null for a network error or an email. */
  httpStatus: number | null;
  outcome: 'delivered' | 'retry' | 'failed' | 'suppressed';
  /** Why it failed (never a secret). */
  error: string | null;
  latencyMs: number;
}

/** What one evaluation of one rule leaves: its state, and if the state changed, the change. */
export interface AlertEvaluation {
  ruleId: string;
  state: Omit<AlertRuleState, 'ruleId'>;
  transition?: Omit<AlertTransition, 'id' | 'ruleId'>;
  notifications: Omit<AlertNotification, 'status' | 'attempts'>[];
}

export type AlertRuleChange = Partial<
  Pick<AlertRule, 'name' | 'condition' | 'contactPointIds' | 'paused' | 'silencedUntil'>
>;

export interface AlertStore {
  /**
   * Stores a new rule unless the dashboard holds `maxRules` already (then null, nothing
   * written). MissingEntity('dashboard') when the dashboard is gone.
   */
  createAlertRule(
    rule: Omit<AlertRule, 'id' | 'version' | 'createdAt' | 'updatedAt'>,
    now: number,
    maxRules: number,
    activity?: Activity,
  ): Promise<AlertRule | null>;
  /** Changes a rule of this dashboard (a new condition raises its version); null when none. */
  updateAlertRule(
    dashboardId: string,
    id: string,
    change: AlertRuleChange,
    now: number,
    activity?: Activity,
  ): Promise<AlertRule | null>;
  /** Removes a rule of this dashboard with its state and history; false when none. */
  deleteAlertRule(dashboardId: string, id: string, activity?: Activity): Promise<boolean>;
  /** The dashboard's rules with their states, oldest first. */
  listAlertRules(dashboardId: string): Promise<AlertRuleWithState[]>;
  getAlertRule(dashboardId: string, id: string): Promise<AlertRuleWithState | null>;
  /** A rule's changes of state, newest first, at most `limit`. */
  listAlertTransitions(
    dashboardId: string,
    ruleId: string,
    limit: number,
  ): Promise<AlertTransition[]>;

  /**
   * For the evaluator: up to `limit` rules of every dashboard with ids after `afterId` (null:
   * from the start), in id order, with their states.
   */
  listRulesToEvaluate(afterId: string | null, limit: number): Promise<AlertRuleWithState[]>;
  /**
   * Stores evaluations in one transaction: each rule's state, its change of state and the
   * notifications it caused. A rule deleted meanwhile is skipped, with its notifications.
   */
  recordAlertEvaluations(evaluations: readonly AlertEvaluation[]): Promise<void>;

  /**
   * Stores a contact point unless the dashboard holds `maxContactPoints` already (then null).
   * MissingEntity('dashboard') when the dashboard is gone.
   */
  createContactPoint(
    point: Omit<ContactPoint, 'id' | 'createdAt'>,
    now: number,
    maxContactPoints: number,
    activity?: Activity,
  ): Promise<ContactPoint | null>;
  listContactPoints(dashboardId: string): Promise<ContactPoint[]>;
  /** The contact point (with its secret, for signing); null when this dashboard has none. */
  getContactPoint(dashboardId: string, id: string): Promise<ContactPoint | null>;
  /**
   * Removes a contact point of this dashboard, its pending notifications and its id from the
   * dashboard's rules; false when none.
   */
  deleteContactPoint(dashboardId: string, id: string, activity?: Activity): Promise<boolean>;

  /** Queues a notification outside an evaluation ("send test"). */
  enqueueNotification(notification: Omit<AlertNotification, 'status' | 'attempts'>): Promise<void>;
  /** Pending notifications due at `now`, oldest due first, at most `limit`. */
  dueNotifications(now: number, limit: number): Promise<AlertNotification[]>;
  /**
   * Notes an attempt and what follows: `delivered`, `failed` and `suppressed` end the
   * notification; `retry` keeps it pending until `nextAttemptAt`.
   */
  recordDeliveryAttempt(attempt: DeliveryAttempt, nextAttemptAt: number | null): Promise<void>;
  /** A contact point's latest attempts, newest first, at most `limit`. */
  listDeliveryAttempts(
    dashboardId: string,
    contactPointId: string,
    limit: number,
  ): Promise<DeliveryAttempt[]>;
  getNotification(id: string): Promise<AlertNotification | null>;
  /**
   * Removes up to `limit` finished notifications, delivery attempts and changes of state
   * older than `before`; returns how many went.
   */
  trimAlertLog(before: number, limit: number): Promise<number>;

  /**
   * Takes or renews the evaluation lease for `holder` until `now + ttlMs`: true when it holds
   * it now (it was free, lapsed, or its own), false while another holder's lease runs.
   */
  takeAlertLease(holder: string, now: number, ttlMs: number): Promise<boolean>;
  /**
   * Gives the lease back if `holder` holds it (a process stopping), so that the next process
   * evaluates at once instead of waiting for it to lapse (up to three intervals).
   */
  releaseAlertLease(holder: string): Promise<void>;
}
