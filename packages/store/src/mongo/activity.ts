import { ACTIVITY_RETENTION_MS } from '@bucketgrid/shared';
import type { ClientSession } from 'mongoose';
import { decodeActivityCursor, encodeActivityCursor } from '../activity-cursor.ts';
import { orderedId } from '../ids.ts';
import type { AccountEvent, Activity, ActivityEntry, Store } from '../store.ts';
import type { Db } from './connection.ts';
import type { AccountEventDoc, ActivityDoc, Models } from './models.ts';

type ActivityMethods = Pick<Store, 'listActivity' | 'addAccountEvent' | 'listAccountEvents'>;

/**
 * Writes an activity entry in the session's transaction: the change it notes and the entry
 * commit together or not at all.
 */
export async function writeActivity(
  models: Models,
  session: ClientSession,
  activity: Activity | undefined,
): Promise<void> {
  if (!activity) return;
  const doc: ActivityDoc = {
    _id: orderedId(),
    dashboardId: activity.dashboardId,
    at: activity.at,
    actor: activity.actor,
    action: activity.action,
    target: activity.target,
    before: activity.before ?? null,
    after: activity.after ?? null,
    address: activity.address,
  };
  await models.activity.insertOne(doc, { session });
}

/** Entries and account events one upkeep step removes past their retention. */
const EXPIRE_BATCH = 1_000;

/**
 * Upkeep: removes a batch of the entries and account events older than a year (by the real
 * clock); says whether more may remain.
 */
export async function expireActivity(models: Models, now: number): Promise<boolean> {
  const before = now - ACTIVITY_RETENTION_MS;
  let more = false;
  for (const model of [models.activity, models.accountEvents] as const) {
    const old = await (model as Models['activity'])
      .find({ at: { $lt: before } }, { _id: 1 })
      .limit(EXPIRE_BATCH)
      .lean<{ _id: string }[]>();
    if (old.length === 0) continue;
    await (model as Models['activity']).deleteMany({ _id: { $in: old.map((doc) => doc._id) } });
    more ||= old.length === EXPIRE_BATCH;
  }
  return more;
}

export function activityMethods(db: Db): ActivityMethods {
  const { activity, accountEvents } = db.models;
  return {
    async listActivity(dashboardId, filter, page) {
      const and: Record<string, unknown>[] = [{ dashboardId }];
      if (filter.actorType) and.push({ 'actor.type': filter.actorType });
      if (filter.actorId) and.push({ 'actor.id': filter.actorId });
      if (filter.action) and.push({ action: filter.action });
      if (filter.from !== undefined) and.push({ at: { $gte: filter.from } });
      if (filter.to !== undefined) and.push({ at: { $lte: filter.to } });
      const cursor = page.cursor ? decodeActivityCursor(page.cursor) : null;
      if (cursor) {
        and.push({ $or: [{ at: { $lt: cursor.at } }, { at: cursor.at, _id: { $lt: cursor.id } }] });
      }
      const docs = await activity
        .find({ $and: and })
        .sort({ at: -1, _id: -1 })
        .limit(page.limit + 1)
        .lean<ActivityDoc[]>();
      const entries = docs.slice(0, page.limit).map(toEntry);
      const last = entries.at(-1);
      return {
        entries,
        nextCursor: docs.length > page.limit && last ? encodeActivityCursor(last) : null,
      };
    },

    async addAccountEvent(event) {
      const doc: AccountEventDoc = { _id: orderedId(), ...event };
      await accountEvents.create(doc);
    },

    async listAccountEvents(userId, limit) {
      const docs = await accountEvents
        .find({ userId })
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .lean<AccountEventDoc[]>();
      return docs.map(
        (doc): AccountEvent => ({
          id: doc._id,
          userId: doc.userId,
          at: doc.at,
          kind: doc.kind as AccountEvent['kind'],
          address: doc.address,
          userAgent: doc.userAgent,
        }),
      );
    },
  };
}

function toEntry(doc: ActivityDoc): ActivityEntry {
  return {
    id: doc._id,
    dashboardId: doc.dashboardId,
    at: doc.at,
    actor: {
      type: doc.actor.type as ActivityEntry['actor']['type'],
      id: doc.actor.id,
      label: doc.actor.label,
    },
    action: doc.action as ActivityEntry['action'],
    target: doc.target,
    before: doc.before,
    after: doc.after,
    address: doc.address,
  };
}
