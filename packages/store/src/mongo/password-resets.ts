import type { Store } from '../store.ts';
import type { Db } from './connection.ts';
import type { PasswordResetDoc } from './models.ts';
import { requireUser } from './references.ts';

type PasswordResetMethods = Pick<
  Store,
  'createPasswordReset' | 'takePasswordReset' | 'deleteExpiredPasswordResets'
>;

export function passwordResetMethods({ models }: Db): PasswordResetMethods {
  const { passwordResets } = models;
  return {
    async createPasswordReset(reset) {
      // Users are never deleted: the check cannot go stale before the insert.
      await requireUser(models, reset.userId);
      await passwordResets.insertOne({
        _id: reset.tokenHash,
        userId: reset.userId,
        expiresAt: reset.expiresAt,
      });
    },

    async takePasswordReset(tokenHash, now) {
      // One atomic removal: of two concurrent uses, only one gets the document.
      const doc = await passwordResets
        .findOneAndDelete({ _id: tokenHash })
        .lean<PasswordResetDoc>();
      if (!doc || doc.expiresAt <= now) return null;
      return { tokenHash: doc._id, userId: doc.userId, expiresAt: doc.expiresAt };
    },

    async deleteExpiredPasswordResets(now) {
      await passwordResets.deleteMany({ expiresAt: { $lte: now } });
    },
  };
}
