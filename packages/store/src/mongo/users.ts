import { newId } from '../ids.ts';
import type { AccountStore } from '../roles/accounts.ts';
import type { Session, User } from '../store.ts';
import type { Db } from './connection.ts';
import { mapDuplicateKey } from './errors.ts';
import type { AccountEventDoc, SessionDoc, UserDoc } from './models.ts';
import { requireUser } from './references.ts';

export function userMethods(db: Db): AccountStore {
  const { models } = db;
  const { users, sessions } = models;
  return {
    async createUser(input) {
      const doc: UserDoc = {
        _id: newId(),
        email: input.email,
        name: input.name,
        workspace: input.workspace,
        passwordHash: input.passwordHash,
        createdAt: Date.now(),
      };
      try {
        await users.insertOne(doc);
      } catch (error) {
        throw mapDuplicateKey(error, { email: 'email', workspace: 'workspace' });
      }
      return toUser(doc);
    },

    async getUserById(id) {
      const doc = await users.findById(id).lean<UserDoc>();
      return doc ? toUser(doc) : null;
    },

    async getUserByEmail(email) {
      const doc = await users.findOne({ email }).lean<UserDoc>();
      return doc ? toUser(doc) : null;
    },

    async setUserPassword(userId, passwordHash, event) {
      await db.transaction(async (session) => {
        const { matchedCount } = await users.updateOne(
          { _id: userId },
          { $set: { passwordHash } },
          { session },
        );
        if (matchedCount === 0 || !event) return;
        const doc: AccountEventDoc = { _id: newId(), userId, ...event };
        await models.accountEvents.insertOne(doc, { session });
      });
    },

    async createSession(session) {
      const doc: SessionDoc = {
        _id: session.id,
        userId: session.userId,
        expiresAt: session.expiresAt,
      };
      // Users are never deleted: the check cannot go stale before the insert.
      await requireUser(models, session.userId);
      try {
        await sessions.insertOne(doc);
      } catch (error) {
        throw mapDuplicateKey(error, {});
      }
    },

    async getSession(id) {
      const doc = await sessions.findById(id).lean<SessionDoc>();
      return doc ? toSession(doc) : null;
    },

    async listUserSessions(userId) {
      const docs = await sessions.find({ userId }).sort({ expiresAt: 1 }).lean<SessionDoc[]>();
      return docs.map(toSession);
    },

    async setSessionExpiry(id, expiresAt) {
      await sessions.updateOne({ _id: id }, { $set: { expiresAt } });
    },

    async deleteSession(id) {
      await sessions.deleteOne({ _id: id });
    },

    async deleteUserSessions(userId) {
      await sessions.deleteMany({ userId });
    },

    async deleteExpiredSessions(now) {
      // A session is expired from its expiry instant on, as Lucia checks it.
      await sessions.deleteMany({ expiresAt: { $lte: now } });
    },
  };
}

function toUser(doc: UserDoc): User {
  return {
    id: doc._id,
    email: doc.email,
    name: doc.name,
    workspace: doc.workspace,
    passwordHash: doc.passwordHash,
    createdAt: doc.createdAt,
  };
}

function toSession(doc: SessionDoc): Session {
  return { id: doc._id, userId: doc.userId, expiresAt: doc.expiresAt };
}
