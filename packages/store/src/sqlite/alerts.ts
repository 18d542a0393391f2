import type { AlertCondition, AlertState, ContactPointKind } from '@bucketgrid/shared';
import { newId } from '../ids.ts';
import type { Activity } from '../roles/activity.ts';
import type {
  AlertNotification,
  AlertRule,
  AlertRuleState,
  AlertRuleWithState,
  AlertStore,
  AlertTransition,
  ContactPoint,
  DeliveryAttempt,
  NotificationStatus,
} from '../store.ts';
import type { ActivityWriter } from './activity.ts';
import type { Row, SqliteDb } from './connection.ts';
import { isForeignKeyFailure, missingReference } from './errors.ts';

const RULE_WITH_STATE = `SELECT r.*, s.state, s.since, s.last_value, s.evaluated_at,
    s.version AS state_version
  FROM alert_rules r LEFT JOIN alert_states s ON s.rule_id = r.id`;

/**
 * Alerts on SQLite (tables in alerts-schema.ts). Every write is a job of the group commit,
 * so an evaluation round's states, changes and outbox entries commit together, sharing the
 * fsync of the writes around them.
 */
export function alertMethods(sqlite: SqliteDb, writeActivity: ActivityWriter): AlertStore {
  const { sql, groupCommit } = sqlite;
  const missingDashboardOr = missingReference(sqlite);
  const ruleById = (dashboardId: string, id: string) => {
    const row = sql(`${RULE_WITH_STATE} WHERE r.id = ? AND r.dashboard_id = ?`).get(
      id,
      dashboardId,
    ) as Row | undefined;
    return row ? toRuleWithState(row) : null;
  };

  return {
    createAlertRule(input, now, maxRules, activity) {
      const rule: AlertRule = { ...input, id: newId(), version: 1, createdAt: now, updatedAt: now };
      return insertUnderCap('alert_rules', rule, maxRules, activity, () =>
        sql(
          `INSERT INTO alert_rules (id, dashboard_id, name, condition, contact_point_ids,
             paused, silenced_until, version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          rule.id,
          rule.dashboardId,
          rule.name,
          JSON.stringify(rule.condition),
          JSON.stringify(rule.contactPointIds),
          rule.paused ? 1 : 0,
          rule.silencedUntil,
          rule.version,
          now,
          now,
        ),
      );
    },

    updateAlertRule: (dashboardId, id, change, now, activity) =>
      groupCommit.submit(() => {
        const current = ruleById(dashboardId, id);
        if (!current) return null;
        const conditionChanged =
          change.condition !== undefined &&
          JSON.stringify(change.condition) !== JSON.stringify(current.condition);
        const { state: _state, ...rule } = current;
        const next: AlertRule = {
          ...rule,
          ...change,
          version: rule.version + (conditionChanged ? 1 : 0),
          updatedAt: now,
        };
        sql(
          `UPDATE alert_rules SET name = ?, condition = ?, contact_point_ids = ?, paused = ?,
             silenced_until = ?, version = ?, updated_at = ? WHERE id = ?`,
        ).run(
          next.name,
          JSON.stringify(next.condition),
          JSON.stringify(next.contactPointIds),
          next.paused ? 1 : 0,
          next.silencedUntil,
          next.version,
          now,
          id,
        );
        writeActivity(activity);
        return next;
      }),

    deleteAlertRule: (dashboardId, id, activity) =>
      groupCommit.submit(() => {
        const { changes } = sql('DELETE FROM alert_rules WHERE id = ? AND dashboard_id = ?').run(
          id,
          dashboardId,
        );
        if (changes > 0) writeActivity(activity);
        return changes > 0;
      }),

    async listAlertRules(dashboardId) {
      const rows = sql(
        `${RULE_WITH_STATE} WHERE r.dashboard_id = ? ORDER BY r.created_at, r.id`,
      ).all(dashboardId) as Row[];
      return rows.map(toRuleWithState);
    },

    getAlertRule: async (dashboardId, id) => ruleById(dashboardId, id),

    async listAlertTransitions(dashboardId, ruleId, limit) {
      const rows = sql(
        `SELECT t.* FROM alert_transitions t JOIN alert_rules r ON r.id = t.rule_id
         WHERE t.rule_id = ? AND r.dashboard_id = ? ORDER BY t.at DESC, t.id DESC LIMIT ?`,
      ).all(ruleId, dashboardId, limit) as Row[];
      return rows.map(toTransition);
    },

    async listRulesToEvaluate(afterId, limit) {
      const rows = sql(`${RULE_WITH_STATE} WHERE r.id > ? ORDER BY r.id LIMIT ?`).all(
        afterId ?? '',
        limit,
      ) as Row[];
      return rows.map(toRuleWithState);
    },

    async recordAlertEvaluations(evaluations) {
      if (evaluations.length === 0) return;
      await groupCommit.submit(() => {
        for (const { ruleId, state, transition, notifications } of evaluations) {
          if (!sql('SELECT 1 FROM alert_rules WHERE id = ?').get(ruleId)) continue;
          sql(
            `INSERT INTO alert_states (rule_id, state, since, last_value, evaluated_at, version)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (rule_id) DO UPDATE SET state = excluded.state, since = excluded.since,
               last_value = excluded.last_value, evaluated_at = excluded.evaluated_at,
               version = excluded.version`,
          ).run(
            ruleId,
            state.state,
            state.since,
            state.lastValue,
            state.evaluatedAt,
            state.version,
          );
          if (transition) {
            sql(
              `INSERT INTO alert_transitions (id, rule_id, at, from_state, to_state, value)
               VALUES (?, ?, ?, ?, ?, ?)`,
            ).run(newId(), ruleId, transition.at, transition.from, transition.to, transition.value);
          }
          for (const notification of notifications) insertNotification(notification);
        }
      });
    },

    createContactPoint(input, now, maxContactPoints, activity) {
      const point: ContactPoint = { ...input, id: newId(), createdAt: now };
      return insertUnderCap('contact_points', point, maxContactPoints, activity, () =>
        sql(
          `INSERT INTO contact_points (id, dashboard_id, name, kind, target, secret, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(point.id, point.dashboardId, point.name, point.kind, point.target, point.secret, now),
      );
    },

    async listContactPoints(dashboardId) {
      const rows = sql(
        'SELECT * FROM contact_points WHERE dashboard_id = ? ORDER BY created_at, id',
      ).all(dashboardId) as Row[];
      return rows.map(toContactPoint);
    },

    async getContactPoint(dashboardId, id) {
      const row = sql('SELECT * FROM contact_points WHERE id = ? AND dashboard_id = ?').get(
        id,
        dashboardId,
      ) as Row | undefined;
      return row ? toContactPoint(row) : null;
    },

    deleteContactPoint: (dashboardId, id, activity) =>
      groupCommit.submit(() => {
        const { changes } = sql('DELETE FROM contact_points WHERE id = ? AND dashboard_id = ?').run(
          id,
          dashboardId,
        );
        if (changes === 0) return false;
        const rules = sql(
          'SELECT id, contact_point_ids FROM alert_rules WHERE dashboard_id = ?',
        ).all(dashboardId) as Row[];
        for (const rule of rules) {
          const ids = JSON.parse(rule.contact_point_ids as string) as string[];
          if (!ids.includes(id)) continue;
          sql('UPDATE alert_rules SET contact_point_ids = ? WHERE id = ?').run(
            JSON.stringify(ids.filter((other) => other !== id)),
            rule.id,
          );
        }
        writeActivity(activity);
        return true;
      }),

    enqueueNotification: (notification) =>
      groupCommit.submit(() => insertNotification(notification)),

    async dueNotifications(now, limit) {
      const rows = sql(
        `SELECT * FROM alert_notifications WHERE status = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id LIMIT ?`,
      ).all(now, limit) as Row[];
      return rows.map(toNotification);
    },

    recordDeliveryAttempt: (attempt, nextAttemptAt) =>
      groupCommit.submit(() => {
        sql(
          `INSERT INTO alert_deliveries (notification_id, contact_point_id, at, http_status,
             outcome, error, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          attempt.notificationId,
          attempt.contactPointId,
          attempt.at,
          attempt.httpStatus,
          attempt.outcome,
          attempt.error,
          attempt.latencyMs,
        );
        const status: NotificationStatus =
          attempt.outcome === 'retry' ? 'pending' : attempt.outcome;
        sql(
          `UPDATE alert_notifications SET status = ?, attempts = attempts + 1,
             next_attempt_at = ? WHERE id = ?`,
        ).run(status, nextAttemptAt ?? attempt.at, attempt.notificationId);
      }),

    async listDeliveryAttempts(dashboardId, contactPointId, limit) {
      const rows = sql(
        `SELECT d.* FROM alert_deliveries d JOIN contact_points c ON c.id = d.contact_point_id
         WHERE d.contact_point_id = ? AND c.dashboard_id = ? ORDER BY d.at DESC, d.id DESC LIMIT ?`,
      ).all(contactPointId, dashboardId, limit) as Row[];
      return rows.map(toAttempt);
    },

    async getNotification(id) {
      const row = sql('SELECT * FROM alert_notifications WHERE id = ?').get(id) as Row | undefined;
      return row ? toNotification(row) : null;
    },

    trimAlertLog: (before, limit) =>
      groupCommit.submit(() => {
        const trim = (table: string, older: string) =>
          sql(
            `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${older} LIMIT ?)`,
          ).run(before, limit).changes;
        return (
          trim('alert_notifications', "created_at < ? AND status != 'pending'") +
          trim('alert_deliveries', 'at < ?') +
          trim('alert_transitions', 'at < ?')
        );
      }),

    takeAlertLease: (holder, now, ttlMs) =>
      groupCommit.submit(() => {
        const { changes } = sql(
          `INSERT INTO alert_lease (id, holder, expires_at) VALUES (1, ?, ?)
           ON CONFLICT (id) DO UPDATE SET holder = excluded.holder,
             expires_at = excluded.expires_at
           WHERE alert_lease.holder = excluded.holder OR alert_lease.expires_at <= ?`,
        ).run(holder, now + ttlMs, now);
        return changes > 0;
      }),

    releaseAlertLease: (holder) =>
      groupCommit.submit(() => {
        sql('UPDATE alert_lease SET expires_at = 0 WHERE holder = ?').run(holder);
      }),
  };

  /**
   * Inserts a dashboard's rule or contact point, in the group commit, unless the dashboard
   * holds `max` of them already (then null, nothing written); a gone dashboard is
   * MissingEntity('dashboard').
   */
  async function insertUnderCap<T extends { id: string; dashboardId: string }>(
    table: 'alert_rules' | 'contact_points',
    item: T,
    max: number,
    activity: Activity | undefined,
    insert: () => void,
  ): Promise<T | null> {
    try {
      return await groupCommit.submit(() => {
        const count = sql(`SELECT count(*) FROM ${table} WHERE dashboard_id = ?`)
          .pluck()
          .get(item.dashboardId) as number;
        if (count >= max) return null;
        insert();
        writeActivity(activity && { ...activity, target: { ...activity.target, id: item.id } });
        return item;
      });
    } catch (error) {
      if (isForeignKeyFailure(error)) throw missingDashboardOr('dashboard', item.dashboardId);
      throw error;
    }
  }

  function insertNotification(n: Omit<AlertNotification, 'status' | 'attempts'>): void {
    sql(
      `INSERT INTO alert_notifications (id, dashboard_id, contact_point_id, rule_id, payload,
         status, attempts, next_attempt_at, created_at)
       SELECT ?, ?, ?, ?, ?, 'pending', 0, ?, ?
       WHERE EXISTS (SELECT 1 FROM contact_points WHERE id = ? AND dashboard_id = ?)`,
    ).run(
      n.id,
      n.dashboardId,
      n.contactPointId,
      n.ruleId,
      JSON.stringify(n.payload),
      n.nextAttemptAt,
      n.createdAt,
      n.contactPointId,
      n.dashboardId,
    );
  }
}

function toRuleWithState(r: Row): AlertRuleWithState {
  const state: AlertRuleState | null =
    r.state == null
      ? null
      : {
          ruleId: r.id as string,
          state: r.state as AlertState,
          since: r.since as number,
          lastValue: r.last_value as number | null,
          evaluatedAt: r.evaluated_at as number,
          version: r.state_version as number,
        };
  return {
    id: r.id as string,
    dashboardId: r.dashboard_id as string,
    name: r.name as string,
    condition: JSON.parse(r.condition as string) as AlertCondition,
    contactPointIds: JSON.parse(r.contact_point_ids as string) as string[],
    paused: r.paused === 1,
    silencedUntil: r.silenced_until as number | null,
    version: r.version as number,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    state,
  };
}

function toTransition(r: Row): AlertTransition {
  return {
    id: r.id as string,
    ruleId: r.rule_id as string,
    at: r.at as number,
    from: r.from_state as AlertState,
    to: r.to_state as AlertState,
    value: r.value as number | null,
  };
}

function toContactPoint(r: Row): ContactPoint {
  return {
    id: r.id as string,
    dashboardId: r.dashboard_id as string,
    name: r.name as string,
    kind: r.kind as ContactPointKind,
    target: r.target as string,
    secret: r.secret as string,
    createdAt: r.created_at as number,
  };
}

function toNotification(r: Row): AlertNotification {
  return {
    id: r.id as string,
    dashboardId: r.dashboard_id as string,
    contactPointId: r.contact_point_id as string,
    ruleId: r.rule_id as string | null,
    payload: JSON.parse(r.payload as string) as Record<string, unknown>,
    status: r.status as NotificationStatus,
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as number,
    createdAt: r.created_at as number,
  };
}

function toAttempt(r: Row): DeliveryAttempt {
  return {
    notificationId: r.notification_id as string,
    contactPointId: r.contact_point_id as string,
    at: r.at as number,
    httpStatus: r.http_status as number | null,
    outcome: r.outcome as DeliveryAttempt['outcome'],
    error: r.error as string | null,
    latencyMs: r.latency_ms as number,
  };
}
