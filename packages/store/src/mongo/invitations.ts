import { newId } from '../ids.ts';
import type { Invitation, Membership, Store } from '../store.ts';
import type { Db } from './connection.ts';
import { mapDuplicateKey } from './errors.ts';
import { type InvitationDoc, LIST_ORDER, type MembershipDoc, type UserDoc } from './models.ts';
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
    async createInvitation(input) {
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

    async renewInvitation(dashboardId, id, change) {
      const doc = await invitations
        .findOneAndUpdate({ _id: id, dashboardId }, { $set: change }, { returnDocument: 'after' })
        .lean<InvitationDoc>();
      return doc ? toInvitation(doc) : null;
    },

    async deleteInvitation(dashboardId, id) {
      const result = await invitations.deleteOne({ _id: id, dashboardId });
      return result.deletedCount > 0;
    },

    async acceptInvitation(id, userId, now) {
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
