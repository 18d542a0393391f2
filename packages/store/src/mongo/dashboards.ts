import type { Role } from '@bucketgrid/shared';
import type { ClientSession } from 'mongoose';
import { newId } from '../ids.ts';
import type { DashboardStore, MemberStore } from '../roles/tenancy.ts';
import { type Dashboard, LastOwner, type Membership, type MemberWithUser } from '../store.ts';
import { writeActivity } from './activity.ts';
import { deleteDashboardAlerts } from './alerts.ts';
import type { Db } from './connection.ts';
import { mapDuplicateKey } from './errors.ts';
import { type DashboardDoc, LIST_ORDER, type MembershipDoc, type UserDoc } from './models.ts';
import { claimDashboard, requireUser } from './references.ts';
import type { MongoSweeper } from './sweeper.ts';

/** Members have no id of their own: ties between them go by user id, as on SQLite. */
const MEMBERS_ORDER = { createdAt: 1, userId: 1 } as const;
const SLUG_TAKEN = { slug: 'slug' } as const;

export function dashboardMethods(db: Db, sweeper: MongoSweeper): DashboardStore & MemberStore {
  const { dashboards, memberships, users, buckets, apiKeys, layouts, retentionBacklog } = db.models;

  /**
   * Runs `change` on the member unless they are the dashboard's last owner. The transaction
   * writes the dashboard document first: two transactions changing members of one dashboard
   * then conflict on it (snapshot isolation alone would let both count two owners and each
   * remove one), and the driver retries the loser whole, so it counts what the winner left.
   */
  const changeUnlessLastOwner = (
    dashboardId: string,
    userId: string,
    change: (session: ClientSession) => Promise<unknown>,
    keepsOwner: boolean,
  ) =>
    db.transaction(async (session) => {
      await dashboards.updateOne({ _id: dashboardId }, { $inc: { rev: 1 } }, { session });
      const target = await memberships
        .findOne({ dashboardId, userId }, { role: 1 })
        .session(session)
        .lean<Pick<MembershipDoc, 'role'>>();
      if (!target) return;
      if (target.role === 'owner' && !keepsOwner) {
        const owners = await memberships
          .countDocuments({ dashboardId, role: 'owner' })
          .session(session);
        if (owners <= 1) throw new LastOwner();
      }
      await change(session);
    });

  return {
    async createDashboard(input) {
      const createdAt = Date.now();
      const doc: DashboardDoc = {
        _id: newId(),
        workspace: input.workspace,
        slug: input.slug,
        name: input.name,
        retention: input.retention,
        createdAt,
      };
      const owner = membershipDoc(doc._id, input.ownerId, 'owner', createdAt);
      try {
        // One transaction: a dashboard never exists without its owner.
        await db.transaction(async (session) => {
          await requireUser(db.models, input.ownerId, session);
          await dashboards.insertOne(doc, { session });
          await memberships.insertOne(owner, { session });
        });
      } catch (error) {
        throw mapDuplicateKey(error, SLUG_TAKEN);
      }
      return toDashboard(doc);
    },

    async getDashboard(id) {
      const doc = await dashboards.findById(id).lean<DashboardDoc>();
      return doc ? toDashboard(doc) : null;
    },

    async getDashboardForMember(ref, userId) {
      // One round trip on both paths: a missing dashboard and a foreign one both come back as
      // no row from the same pipeline. ($lookup with both foreignField and a pipeline: MongoDB
      // 5.0 or later, which every supported release is.)
      const [row] = await dashboards.aggregate<DashboardDoc & { member: { role: Role }[] }>([
        {
          $match:
            typeof ref === 'string' ? { _id: ref } : { workspace: ref.workspace, slug: ref.slug },
        },
        {
          $lookup: {
            from: memberships.collection.collectionName,
            localField: '_id',
            foreignField: 'dashboardId',
            pipeline: [{ $match: { userId } }, { $project: { _id: 0, role: 1 } }],
            as: 'member',
          },
        },
        { $match: { 'member.0': { $exists: true } } },
      ]);
      return row ? { ...toDashboard(row), role: row.member[0]!.role } : null;
    },

    async listDashboardsForUser(userId) {
      const mine = await memberships.find({ userId }).lean<MembershipDoc[]>();
      if (mine.length === 0) return [];
      const roleOf = new Map(mine.map((m) => [m.dashboardId, m.role]));
      const docs = await dashboards
        .find({ _id: { $in: [...roleOf.keys()] } })
        .sort(LIST_ORDER)
        .lean<DashboardDoc[]>();
      return docs.map((doc) => ({ ...toDashboard(doc), role: roleOf.get(doc._id)! }));
    },

    async updateDashboard(id, patch, activity) {
      // Only the fields the interface allows to change, and only those given.
      const set: Partial<Pick<DashboardDoc, 'name' | 'slug' | 'retention'>> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.slug !== undefined) set.slug = patch.slug;
      if (patch.retention !== undefined) set.retention = patch.retention;
      if (Object.keys(set).length === 0) {
        const doc = await dashboards.findById(id).lean<DashboardDoc>();
        return doc ? toDashboard(doc) : null;
      }
      try {
        const doc = await db.transaction(async (session) => {
          const updated = await dashboards
            .findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after', session })
            .lean<DashboardDoc>();
          // Buckets now over their retention are trimmed by upkeep (Store.maintain), in batches.
          if (updated && patch.retention !== undefined) {
            // Every bucket carries it (see BucketDoc.retention): a write racing this change
            // conflicts with it instead of trimming by the old retention.
            await buckets.updateMany(
              { dashboardId: id },
              { $set: { retention: patch.retention } },
              { session },
            );
            const over = await buckets
              .find({ dashboardId: id, recordCount: { $gt: patch.retention } }, { _id: 1 })
              .session(session)
              .lean<{ _id: string }[]>();
            if (over.length > 0) {
              await retentionBacklog.bulkWrite(
                over.map(({ _id }) => ({
                  replaceOne: { filter: { _id }, replacement: { _id }, upsert: true },
                })),
                { session },
              );
            }
          }
          if (updated) await writeActivity(db.models, session, activity);
          return updated;
        });
        return doc ? toDashboard(doc) : null;
      } catch (error) {
        throw mapDuplicateKey(error, SLUG_TAKEN);
      }
    },

    async deleteDashboard(id, activity) {
      // The dashboard and everything that names it go in one transaction; its buckets'
      // records, which can be millions, too many for one transaction, are removed by upkeep
      // in batches (sweeper.ts).
      await db.transaction(async (session) => {
        const owned = await buckets
          .find({ dashboardId: id }, { _id: 1 })
          .session(session)
          .lean<{ _id: string }[]>();
        await buckets.deleteMany({ dashboardId: id }, { session });
        await apiKeys.deleteMany({ dashboardId: id }, { session });
        await memberships.deleteMany({ dashboardId: id }, { session });
        await db.models.invitations.deleteMany({ dashboardId: id }, { session });
        await db.models.shareLinks.deleteMany({ dashboardId: id }, { session });
        await deleteDashboardAlerts(db.conn, session, id);
        await layouts.deleteOne({ _id: id }, { session });
        await dashboards.deleteOne({ _id: id }, { session });
        await sweeper.mark(
          session,
          owned.map((bucket) => bucket._id),
        );
        await writeActivity(db.models, session, activity);
      });
    },

    async getMembership(dashboardId, userId) {
      const doc = await memberships.findOne({ dashboardId, userId }).lean<MembershipDoc>();
      return doc ? toMembership(doc) : null;
    },

    async listMembers(dashboardId) {
      const docs = await memberships
        .find({ dashboardId })
        .sort(MEMBERS_ORDER)
        .lean<MembershipDoc[]>();
      if (docs.length === 0) return [];
      const people = await users
        .find({ _id: { $in: docs.map((m) => m.userId) } }, { email: 1, name: 1 })
        .lean<Pick<UserDoc, '_id' | 'email' | 'name'>[]>();
      const byId = new Map(people.map((user) => [user._id, user]));
      const members: MemberWithUser[] = [];
      for (const doc of docs) {
        const user = byId.get(doc.userId);
        // Users are never deleted; a membership without its user has nobody to show.
        if (user) members.push({ ...toMembership(doc), email: user.email, name: user.name });
      }
      return members;
    },

    async addMember(dashboardId, userId, role, activity) {
      const doc = membershipDoc(dashboardId, userId, role, Date.now());
      try {
        await db.transaction(async (session) => {
          await claimDashboard(db.models, session, dashboardId);
          await requireUser(db.models, userId, session);
          await memberships.insertOne(doc, { session });
          await writeActivity(db.models, session, activity);
        });
      } catch (error) {
        throw mapDuplicateKey(error, { dashboardId: 'membership', userId: 'membership' });
      }
      return toMembership(doc);
    },

    async setMemberRole(dashboardId, userId, role, activity) {
      await changeUnlessLastOwner(
        dashboardId,
        userId,
        async (session) => {
          await memberships.updateOne({ dashboardId, userId }, { $set: { role } }, { session });
          await writeActivity(db.models, session, activity);
        },
        role === 'owner',
      );
    },

    async removeMember(dashboardId, userId, activity) {
      await changeUnlessLastOwner(
        dashboardId,
        userId,
        async (session) => {
          await memberships.deleteOne({ dashboardId, userId }, { session });
          await writeActivity(db.models, session, activity);
        },
        false,
      );
    },
  };
}

function membershipDoc(
  dashboardId: string,
  userId: string,
  role: Role,
  createdAt: number,
): MembershipDoc {
  return { _id: newId(), dashboardId, userId, role, createdAt };
}

function toDashboard(doc: DashboardDoc): Dashboard {
  return {
    id: doc._id,
    workspace: doc.workspace,
    slug: doc.slug,
    name: doc.name,
    retention: doc.retention,
    createdAt: doc.createdAt,
  };
}

function toMembership(doc: MembershipDoc): Membership {
  return {
    dashboardId: doc.dashboardId,
    userId: doc.userId,
    role: doc.role,
    createdAt: doc.createdAt,
  };
}
