import { newId } from '../ids.ts';
import type { Invitation, Membership, Store } from '../store.ts';
import { writeActivity } from './activity.ts';
import type { Db } from './connection.ts';
import { mapDuplicateKey } from './errors.ts';
import {
  type InvitationDoc,
  LIST_ORDER,
  type MembershipDoc,
  type Models,
  type UserDoc,
} from './models.ts';
import { claimDashboard, requireUser } from './references.ts';

type InvitationMethods = Pick<
  Store,
  | 'createInvitation'
  | 'listInvitations'
  | 'getInvitationByTokenHash'
  | 'renewInvitation'
  | 'deleteInvitation'
  | 'acceptInvitation'
>;

const PENDING_TAKEN = { dashboardId: 'invitation', email: 'invitation' } as const;

export function invitationMethods(db: Db): InvitationMethods {
  const { invitations, memberships, users } = db.models;
  return {
    async createInvitation(input, activity) {
      const doc: InvitationDoc = { ...input, _id: newId(), createdAt: Date.now() };
      try {
        await db.transaction(async (session) => {
          // Claimed, so an invitation never outlives its dashboard (see references.ts).
          await claimDashboard(db.models, session, doc.dashboardId);
          await requireUser(db.models, doc.invitedBy, session);
          // An expired invitation no longer holds its address.
          await invitations.deleteOne(
            { dashboardId: doc.dashboardId, email: doc.email, expiresAt: { $lte: doc.createdAt } },
            { session },
          );
          await invitations.insertOne(doc, { session });
          await writeActivity(
            db.models,
            session,
            activity && { ...activity, target: { ...activity.target, id: doc._id } },
          );
        });
      } catch (error) {
        throw mapDuplicateKey(error, PENDING_TAKEN);
      }
      return toInvitation(doc);
    },

    async listInvitations(dashboardId, now) {
      const docs = await invitations
        .find({ dashboardId, expiresAt: { $gt: now } })
        .sort(LIST_ORDER)
        .lean<InvitationDoc[]>();
      const inviters = await users
        .find({ _id: { $in: [...new Set(docs.map((doc) => doc.invitedBy))] } }, { name: 1 })
        .lean<Pick<UserDoc, '_id' | 'name'>[]>();
      const names = new Map(inviters.map((user) => [user._id, user.name]));
      return docs.map((doc) => ({
        ...toInvitation(doc),
        invitedByName: names.get(doc.invitedBy) ?? '',
      }));
    },

    async getInvitationByTokenHash(tokenHash) {
      const doc = await invitations.findOne({ tokenHash }).lean<InvitationDoc>();
      return doc ? toInvitation(doc) : null;
    },

    async renewInvitation(dashboardId, id, change, activity) {
      return db.transaction(async (session) => {
        const doc = await invitations
          .findOneAndUpdate(
            { _id: id, dashboardId },
            { $set: change },
            { session, returnDocument: 'after' },
          )
          .lean<InvitationDoc>();
        if (!doc) return null;
        await writeActivity(db.models, session, activity);
        return toInvitation(doc);
      });
    },

    async deleteInvitation(dashboardId, id, activity) {
      return db.transaction(async (session) => {
        const result = await invitations.deleteOne({ _id: id, dashboardId }, { session });
        if (result.deletedCount > 0) await writeActivity(db.models, session, activity);
        return result.deletedCount > 0;
      });
    },

    async acceptInvitation(id, userId, now, activity) {
      try {
        return await db.transaction(async (session): Promise<Membership | null> => {
          // Removing it first: of two concurrent accepts, one removes it and the other conflicts.
          const invitation = await invitations
            .findOneAndDelete({ _id: id, expiresAt: { $gt: now } }, { session })
            .lean<InvitationDoc>();
          if (!invitation) return null;
          await claimDashboard(db.models, session, invitation.dashboardId);
          await requireUser(db.models, userId, session);
          const membership: MembershipDoc = {
            _id: newId(),
            dashboardId: invitation.dashboardId,
            userId,
            role: invitation.role,
            createdAt: now,
          };
          await memberships.insertOne(membership, { session });
          await writeActivity(db.models, session, activity);
          return {
            dashboardId: membership.dashboardId,
            userId,
            role: membership.role,
            createdAt: now,
          };
        });
      } catch (error) {
        throw mapDuplicateKey(error, { dashboardId: 'membership', userId: 'membership' });
      }
    },
  };
}

/** Expired invitations and password resets one upkeep step removes, of each. */
const EXPIRE_BATCH = 1_000;

/**
 * Upkeep: removes a batch of the invitations and password resets that expired by `now` (the
 * real clock); says whether more may remain. Neither is ever used once expired.
 */
export async function expireLinkTokens(models: Models, now: number): Promise<boolean> {
  const expired = { expiresAt: { $lte: now } };
  const invitationIds = (
    await models.invitations.find(expired, { _id: 1 }).limit(EXPIRE_BATCH).lean<{ _id: string }[]>()
  ).map((doc) => doc._id);
  const resetIds = (
    await models.passwordResets
      .find(expired, { _id: 1 })
      .limit(EXPIRE_BATCH)
      .lean<{ _id: string }[]>()
  ).map((doc) => doc._id);
  if (invitationIds.length > 0)
    await models.invitations.deleteMany({ _id: { $in: invitationIds } });
  if (resetIds.length > 0) await models.passwordResets.deleteMany({ _id: { $in: resetIds } });
  return invitationIds.length === EXPIRE_BATCH || resetIds.length === EXPIRE_BATCH;
}

function toInvitation(doc: InvitationDoc): Invitation {
  return {
    id: doc._id,
    dashboardId: doc.dashboardId,
    email: doc.email,
    role: doc.role,
    tokenHash: doc.tokenHash,
    invitedBy: doc.invitedBy,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
  };
}
