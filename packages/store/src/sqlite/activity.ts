import { ACTIVITY_RETENTION_MS } from '@bucketgrid/shared';
import { decodeActivityCursor, encodeActivityCursor } from '../activity-cursor.ts';
import { orderedId } from '../ids.ts';
import type { AccountEvent, Activity, ActivityEntry, Store } from '../store.ts';
import type { Row, SqliteDb } from './connection.ts';

type ActivityMethods = Pick<Store, 'listActivity' | 'addAccountEvent' | 'listAccountEvents'>;

/**
 * Writes an activity entry. Call it inside the transaction of the change it notes (every
 * caller runs in `db.transaction`), so both commit or neither does.
 */
export type ActivityWriter = (activity: Activity | undefined) => void;

export function activityWriter({ sql }: SqliteDb): ActivityWriter {
  return (activity) => {
    if (!activity) return;
    sql(
      `INSERT INTO activity (id, dashboard_id, at, actor_type, actor_id, actor_label, action,
         target_type, target_id, target_label, before, after, address)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      orderedId(),
      activity.dashboardId,
      activity.at,
      activity.actor.type,
      activity.actor.id,
      activity.actor.label,
      activity.action,
      activity.target.type,
      activity.target.id,
      activity.target.label,
      activity.before === undefined ? null : JSON.stringify(activity.before),
      activity.after === undefined ? null : JSON.stringify(activity.after),
      activity.address,
    );
  };
}

/** Entries and account events one upkeep step removes past their retention. */
const EXPIRE_BATCH = 1_000;

/**
 * Upkeep: removes a batch of the entries and account events older than a year (by the real
 * clock); says whether more may remain.
 */
export function expireActivity({ sql }: SqliteDb, now: number): boolean {
  const before = now - ACTIVITY_RETENTION_MS;
  const entries = sql(
    `DELETE FROM activity WHERE id IN (SELECT id FROM activity WHERE at < ? LIMIT ?)`,
  ).run(before, EXPIRE_BATCH).changes;
  const events = sql(
    `DELETE FROM account_events WHERE id IN
       (SELECT id FROM account_events WHERE at < ? LIMIT ?)`,
  ).run(before, EXPIRE_BATCH).changes;
  return entries === EXPIRE_BATCH || events === EXPIRE_BATCH;
}

export function activityMethods(sqlite: SqliteDb): ActivityMethods {
  const { db, sql } = sqlite;
  return {
    async listActivity(dashboardId, filter, page) {
      const where = ['dashboard_id = ?'];
      const params: unknown[] = [dashboardId];
      const add = (clause: string, ...values: unknown[]) => {
        where.push(clause);
        params.push(...values);
      };
      if (filter.actorType) add('actor_type = ?', filter.actorType);
      if (filter.actorId) add('actor_id = ?', filter.actorId);
      if (filter.action) add('action = ?', filter.action);
      if (filter.from !== undefined) add('at >= ?', filter.from);
      if (filter.to !== undefined) add('at <= ?', filter.to);
      const cursor = page.cursor ? decodeActivityCursor(page.cursor) : null;
      if (cursor) add('(at < ? OR (at = ? AND id < ?))', cursor.at, cursor.at, cursor.id);
      const rows = db
        .prepare(
          `SELECT * FROM activity WHERE ${where.join(' AND ')}
           ORDER BY at DESC, id DESC LIMIT ?`,
        )
        .all(...params, page.limit + 1) as Row[];
      const entries = rows.slice(0, page.limit).map(toEntry);
      const last = entries.at(-1);
      return {
        entries,
        nextCursor: rows.length > page.limit && last ? encodeActivityCursor(last) : null,
      };
    },

    async addAccountEvent(event) {
      sql(
        `INSERT INTO account_events (id, user_id, at, kind, address, user_agent)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(orderedId(), event.userId, event.at, event.kind, event.address, event.userAgent);
    },

    async listAccountEvents(userId, limit) {
      const rows = sql(
        'SELECT * FROM account_events WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?',
      ).all(userId, limit) as Row[];
      return rows.map(
        (r): AccountEvent => ({
          id: r.id as string,
          userId: r.user_id as string,
          at: r.at as number,
          kind: r.kind as AccountEvent['kind'],
          address: r.address as string | null,
          userAgent: r.user_agent as string | null,
        }),
      );
    },
  };
}

function toEntry(r: Row): ActivityEntry {
  return {
    id: r.id as string,
    dashboardId: r.dashboard_id as string,
    at: r.at as number,
    actor: {
      type: r.actor_type as ActivityEntry['actor']['type'],
      id: r.actor_id as string | null,
      label: r.actor_label as string,
    },
    action: r.action as ActivityEntry['action'],
    target: {
      type: r.target_type as string,
      id: r.target_id as string,
      label: r.target_label as string,
    },
    before: r.before === null ? null : JSON.parse(r.before as string),
    after: r.after === null ? null : JSON.parse(r.after as string),
    address: r.address as string | null,
  };
}
