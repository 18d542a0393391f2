import type { AlertCondition, AlertState, ContactPointKind } from '@bucketgrid/shared';
import { type ClientSession, type Connection, Schema } from 'mongoose';
import { newId } from '../ids.ts';
import type {
  AlertNotification,
  AlertRuleWithState,
  AlertStore,
  AlertTransition,
  ContactPoint,
  DeliveryAttempt,
  NotificationStatus,
} from '../store.ts';
import { writeActivity } from './activity.ts';
import type { Db } from './connection.ts';
import { LIST_ORDER } from './models.ts';
import { claimDashboard } from './references.ts';

/*
 * Alerts on MongoDB: the collections are defined here, beside the methods, and created when
 * the store opens (`openAlertStore`). A rule's state is a field of its document (`st`), so an
 * evaluation writes one document per rule; the outbox and the changes of state are written in
 * the same transaction.
 */

interface AlertRuleDoc {
  _id: string;
  dashboardId: string;
  name: string;
  condition: AlertCondition;
  contactPointIds: string[];
  paused: boolean;
  silencedUntil: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
  st?: {
    state: AlertState;
    since: number;
    lastValue: number | null;
    evaluatedAt: number;
    version: number;
  } | null;
}

interface TransitionDoc {
  _id: string;
  ruleId: string;
  dashboardId: string;
  at: number;
  from: AlertState;
  to: AlertState;
  value: number | null;
}

interface ContactPointDoc extends Omit<ContactPoint, 'id'> {
  _id: string;
}

interface NotificationDoc extends Omit<AlertNotification, 'id'> {
  _id: string;
}

interface DeliveryDoc extends DeliveryAttempt {
  _id: string;
}

interface LeaseDoc {
  _id: string;
  holder: string;
  expiresAt: number;
}

const options = { versionKey: false, strict: 'throw', autoIndex: false } as const;
const mixed = Schema.Types.Mixed;
const nullableNumber = () => ({ type: Number, default: null });
const nullableString = () => ({ type: String, default: null });

const ruleSchema = new Schema<AlertRuleDoc>(
  {
    _id: String,
    dashboardId: String,
    name: String,
    condition: mixed,
    contactPointIds: [String],
    paused: Boolean,
    silencedUntil: nullableNumber(),
    version: Number,
    createdAt: Number,
    updatedAt: Number,
    st: { type: mixed, default: null },
  },
  options,
);
ruleSchema.index({ dashboardId: 1, createdAt: 1, _id: 1 });

const transitionSchema = new Schema<TransitionDoc>(
  {
    _id: String,
    ruleId: String,
    dashboardId: String,
    at: Number,
    from: String,
    to: String,
    value: nullableNumber(),
  },
  options,
);
transitionSchema.index({ ruleId: 1, at: -1, _id: -1 });
transitionSchema.index({ at: 1 });

const contactPointSchema = new Schema<ContactPointDoc>(
  {
    _id: String,
    dashboardId: String,
    name: String,
    kind: String,
    target: String,
    secret: String,
    createdAt: Number,
  },
  options,
);
contactPointSchema.index({ dashboardId: 1, createdAt: 1, _id: 1 });

const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: String,
    dashboardId: String,
    contactPointId: String,
    ruleId: nullableString(),
    payload: mixed,
    status: String,
    attempts: Number,
    nextAttemptAt: Number,
    createdAt: Number,
  },
  options,
);
notificationSchema.index(
  { nextAttemptAt: 1 },
  { partialFilterExpression: { status: 'pending' }, name: 'due' },
);
notificationSchema.index({ createdAt: 1 });
notificationSchema.index({ contactPointId: 1 });

const deliverySchema = new Schema<DeliveryDoc>(
  {
    _id: String,
    notificationId: String,
    contactPointId: String,
    at: Number,
    httpStatus: nullableNumber(),
    outcome: String,
    error: nullableString(),
    latencyMs: Number,
  },
  options,
);
deliverySchema.index({ contactPointId: 1, at: -1, _id: -1 });
deliverySchema.index({ at: 1 });

const leaseSchema = new Schema<LeaseDoc>(
  { _id: String, holder: String, expiresAt: Number },
  options,
);

function compileAlertModels(conn: Connection) {
  return {
    rules: conn.model('AlertRule', ruleSchema, 'alertRules'),
    transitions: conn.model('AlertTransition', transitionSchema, 'alertTransitions'),
    contactPoints: conn.model('ContactPoint', contactPointSchema, 'contactPoints'),
    notifications: conn.model('AlertNotification', notificationSchema, 'alertNotifications'),
    deliveries: conn.model('AlertDelivery', deliverySchema, 'alertDeliveries'),
    leases: conn.model('AlertLease', leaseSchema, 'alertLeases'),
  };
}

type AlertModels = ReturnType<typeof compileAlertModels>;
const compiled = new WeakMap<Connection, AlertModels>();

/** The alert models on this connection (compiled once, never on mongoose's global one). */
function alertModels(conn: Connection): AlertModels {
  let models = compiled.get(conn);
  if (!models) {
    models = compileAlertModels(conn);
    compiled.set(conn, models);
  }
  return models;
}

/** Removes a deleted dashboard's alerts, in the transaction that deletes it. */
export async function deleteDashboardAlerts(
  conn: Connection,
  session: ClientSession,
  dashboardId: string,
): Promise<void> {
  const m = alertModels(conn);
  for (const model of [m.rules, m.transitions, m.contactPoints, m.notifications] as const) {
    await (model as typeof m.rules).deleteMany({ dashboardId }, { session });
  }
}

const LEASE_ID = 'alerts';

/** Creates the collections and indexes (transactions need the collections to exist). */
export async function openAlertStore(db: Db): Promise<AlertStore> {
  const m = alertModels(db.conn);
  const all = Object.values(m) as unknown as (typeof m.rules)[];
  await Promise.all(all.map((model) => model.init()));
  await Promise.all(all.map((model) => model.createIndexes()));
  const { rules, transitions, contactPoints, notifications, deliveries, leases } = m;

  const insertNotifications = async (
    session: ClientSession,
    list: readonly Omit<AlertNotification, 'status' | 'attempts'>[],
  ) => {
    for (const { id, ...n } of list) {
      const point = await contactPoints
        .exists({ _id: n.contactPointId, dashboardId: n.dashboardId })
        .session(session);
      if (!point) continue;
      await notifications.insertOne({ _id: id, ...n, status: 'pending', attempts: 0 }, { session });
    }
  };

  return {
    async createAlertRule(input, now, maxRules, activity) {
      const doc: AlertRuleDoc = {
        ...input,
        _id: newId(),
        version: 1,
        createdAt: now,
        updatedAt: now,
        st: null,
      };
      return db.transaction(async (session) => {
        // Claimed: two creations conflict, so the count below holds (see references.ts).
        await claimDashboard(db.models, session, doc.dashboardId);
        const count = await rules.countDocuments({ dashboardId: doc.dashboardId }, { session });
        if (count >= maxRules) return null;
        await rules.insertOne(doc, { session });
        await writeActivity(
          db.models,
          session,
          activity && { ...activity, target: { ...activity.target, id: doc._id } },
        );
        const { state: _state, ...rule } = toRule(doc);
        return rule;
      });
    },

    updateAlertRule: (dashboardId, id, change, now, activity) =>
      db.transaction(async (session) => {
        const current = await rules
          .findOne({ _id: id, dashboardId }, null, { session })
          .lean<AlertRuleDoc>();
        if (!current) return null;
        const conditionChanged =
          change.condition !== undefined &&
          JSON.stringify(change.condition) !== JSON.stringify(current.condition);
        const version = current.version + (conditionChanged ? 1 : 0);
        await rules.updateOne(
          { _id: id },
          { $set: { ...change, version, updatedAt: now } },
          { session },
        );
        await writeActivity(db.models, session, activity);
        const { state: _state, ...rule } = toRule(current);
        return { ...rule, ...change, version, updatedAt: now };
      }),

    deleteAlertRule: (dashboardId, id, activity) =>
      db.transaction(async (session) => {
        const { deletedCount } = await rules.deleteOne({ _id: id, dashboardId }, { session });
        if (deletedCount === 0) return false;
        await transitions.deleteMany({ ruleId: id }, { session });
        await writeActivity(db.models, session, activity);
        return true;
      }),

    async listAlertRules(dashboardId) {
      const docs = await rules.find({ dashboardId }).sort(LIST_ORDER).lean<AlertRuleDoc[]>();
      return docs.map(toRule);
    },

    async getAlertRule(dashboardId, id) {
      const doc = await rules.findOne({ _id: id, dashboardId }).lean<AlertRuleDoc>();
      return doc ? toRule(doc) : null;
    },

    async listAlertTransitions(dashboardId, ruleId, limit) {
      const docs = await transitions
        .find({ ruleId, dashboardId })
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .lean<TransitionDoc[]>();
      return docs.map(toTransition);
    },

    async listRulesToEvaluate(afterId, limit) {
      const docs = await rules
        .find(afterId === null ? {} : { _id: { $gt: afterId } })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<AlertRuleDoc[]>();
      return docs.map(toRule);
    },

    async recordAlertEvaluations(evaluations) {
      if (evaluations.length === 0) return;
      await db.transaction(async (session) => {
        for (const { ruleId, state, transition, notifications: queued } of evaluations) {
          const rule = await rules
            .findOneAndUpdate(
              { _id: ruleId },
              { $set: { st: state } },
              { session, projection: { dashboardId: 1 } },
            )
            .lean<Pick<AlertRuleDoc, 'dashboardId'>>();
          if (!rule) continue;
          if (transition) {
            await transitions.insertOne(
              { _id: newId(), ruleId, dashboardId: rule.dashboardId, ...transition },
              { session },
            );
          }
          await insertNotifications(session, queued);
        }
      });
    },

    async createContactPoint(input, now, maxContactPoints, activity) {
      const doc: ContactPointDoc = { ...input, _id: newId(), createdAt: now };
      return db.transaction(async (session) => {
        await claimDashboard(db.models, session, doc.dashboardId);
        const count = await contactPoints.countDocuments(
          { dashboardId: doc.dashboardId },
          { session },
        );
        if (count >= maxContactPoints) return null;
        await contactPoints.insertOne(doc, { session });
        await writeActivity(
          db.models,
          session,
          activity && { ...activity, target: { ...activity.target, id: doc._id } },
        );
        return toContactPoint(doc);
      });
    },

    async listContactPoints(dashboardId) {
      const docs = await contactPoints
        .find({ dashboardId })
        .sort(LIST_ORDER)
        .lean<ContactPointDoc[]>();
      return docs.map(toContactPoint);
    },

    async getContactPoint(dashboardId, id) {
      const doc = await contactPoints.findOne({ _id: id, dashboardId }).lean<ContactPointDoc>();
      return doc ? toContactPoint(doc) : null;
    },

    deleteContactPoint: (dashboardId, id, activity) =>
      db.transaction(async (session) => {
        const { deletedCount } = await contactPoints.deleteOne(
          { _id: id, dashboardId },
          { session },
        );
        if (deletedCount === 0) return false;
        await rules.updateMany(
          { dashboardId, contactPointIds: id },
          { $pull: { contactPointIds: id } },
          { session },
        );
        await notifications.deleteMany({ contactPointId: id }, { session });
        await deliveries.deleteMany({ contactPointId: id }, { session });
        await writeActivity(db.models, session, activity);
        return true;
      }),

    enqueueNotification: (notification) =>
      db.transaction((session) => insertNotifications(session, [notification])),

    async dueNotifications(now, limit) {
      const docs = await notifications
        .find({ status: 'pending', nextAttemptAt: { $lte: now } })
        .sort({ nextAttemptAt: 1, _id: 1 })
        .limit(limit)
        .lean<NotificationDoc[]>();
      return docs.map(toNotification);
    },

    recordDeliveryAttempt: (attempt, nextAttemptAt) =>
      db.transaction(async (session) => {
        await deliveries.insertOne({ _id: newId(), ...attempt }, { session });
        const status: NotificationStatus =
          attempt.outcome === 'retry' ? 'pending' : attempt.outcome;
        await notifications.updateOne(
          { _id: attempt.notificationId },
          { $set: { status, nextAttemptAt: nextAttemptAt ?? attempt.at }, $inc: { attempts: 1 } },
          { session },
        );
      }),

    async listDeliveryAttempts(dashboardId, contactPointId, limit) {
      const point = await contactPoints.exists({ _id: contactPointId, dashboardId });
      if (!point) return [];
      const docs = await deliveries
        .find({ contactPointId })
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .lean<DeliveryDoc[]>();
      return docs.map(({ _id, ...attempt }) => attempt);
    },

    async getNotification(id) {
      const doc = await notifications.findOne({ _id: id }).lean<NotificationDoc>();
      return doc ? toNotification(doc) : null;
    },

    async trimAlertLog(before, limit) {
      let removed = 0;
      const batches = [
        [notifications, { createdAt: { $lt: before }, status: { $ne: 'pending' } }],
        [deliveries, { at: { $lt: before } }],
        [transitions, { at: { $lt: before } }],
      ] as const;
      for (const [model, filter] of batches) {
        const any = model as unknown as typeof notifications;
        const ids = await any.find(filter, { _id: 1 }).limit(limit).lean<{ _id: string }[]>();
        if (ids.length === 0) continue;
        const { deletedCount } = await any.deleteMany({ _id: { $in: ids.map((doc) => doc._id) } });
        removed += deletedCount;
      }
      return removed;
    },

    async takeAlertLease(holder, now, ttlMs) {
      try {
        // Matches only a lease that is ours or has lapsed; otherwise the upsert collides with
        // the live lease's _id and fails: someone else holds it.
        await leases.updateOne(
          { _id: LEASE_ID, $or: [{ holder }, { expiresAt: { $lte: now } }] },
          { $set: { holder, expiresAt: now + ttlMs } },
          { upsert: true },
        );
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === 11000) return false;
        throw error;
      }
    },

    async releaseAlertLease(holder) {
      await leases.updateOne({ _id: LEASE_ID, holder }, { $set: { expiresAt: 0 } });
    },
  };
}

function toRule(doc: AlertRuleDoc): AlertRuleWithState {
  return {
    id: doc._id,
    dashboardId: doc.dashboardId,
    name: doc.name,
    condition: doc.condition,
    contactPointIds: doc.contactPointIds,
    paused: doc.paused,
    silencedUntil: doc.silencedUntil,
    version: doc.version,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    state: doc.st ? { ruleId: doc._id, ...doc.st } : null,
  };
}

function toTransition(doc: TransitionDoc): AlertTransition {
  return {
    id: doc._id,
    ruleId: doc.ruleId,
    at: doc.at,
    from: doc.from,
    to: doc.to,
    value: doc.value,
  };
}

function toContactPoint({ _id, ...doc }: ContactPointDoc): ContactPoint {
  return { id: _id, ...doc, kind: doc.kind as ContactPointKind };
}

function toNotification({ _id, ...doc }: NotificationDoc): AlertNotification {
  return { id: _id, ...doc };
}
