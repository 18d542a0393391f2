import { MissingEntity, type PasswordReset, type Store } from '../store.ts';
import type { Row, SqliteDb } from './connection.ts';
import { isForeignKeyFailure } from './errors.ts';

type PasswordResetMethods = Pick<
  Store,
  'createPasswordReset' | 'takePasswordReset' | 'deleteExpiredPasswordResets'
>;

export function passwordResetMethods({ sql }: SqliteDb): PasswordResetMethods {
  return {
    async createPasswordReset(reset) {
      try {
        sql('INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)').run(
          reset.tokenHash,
          reset.userId,
          reset.expiresAt,
        );
      } catch (error) {
        if (isForeignKeyFailure(error)) throw new MissingEntity('user');
        throw error;
      }
    },

    async takePasswordReset(tokenHash, now) {
      // One statement removes and returns: two concurrent uses cannot both get the row.
      const row = sql('DELETE FROM password_resets WHERE token_hash = ? RETURNING *').get(
        tokenHash,
      ) as Row | undefined;
      if (!row) return null;
      const reset: PasswordReset = {
        tokenHash: row.token_hash as string,
        userId: row.user_id as string,
        expiresAt: row.expires_at as number,
      };
      return reset.expiresAt > now ? reset : null;
    },

    async deleteExpiredPasswordResets(now) {
      sql('DELETE FROM password_resets WHERE expires_at <= ?').run(now);
    },
  };
}
