import { newId } from '../ids.ts';
import type { AccountStore } from '../roles/accounts.ts';
import { MissingEntity, type Session, type User } from '../store.ts';
import type { Row, SqliteDb } from './connection.ts';
import { isForeignKeyFailure, rethrowUnique } from './errors.ts';

export function userMethods({ db, sql }: SqliteDb): AccountStore {
  return {
    async createUser(input) {
      const user: User = { id: newId(), createdAt: Date.now(), ...input };
      try {
        sql(
          `INSERT INTO users (id, email, name, workspace, password_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(user.id, user.email, user.name, user.workspace, user.passwordHash, user.createdAt);
      } catch (error) {
        rethrowUnique(error);
      }
      return user;
    },

    async getUserById(id) {
      const row = sql('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
      return row ? toUser(row) : null;
    },

    async getUserByEmail(email) {
      const row = sql('SELECT * FROM users WHERE email = ?').get(email) as Row | undefined;
      return row ? toUser(row) : null;
    },

    async setUserPassword(userId, passwordHash, event) {
      db.transaction(() => {
        const { changes } = sql('UPDATE users SET password_hash = ? WHERE id = ?').run(
          passwordHash,
          userId,
        );
        if (changes === 0 || !event) return;
        sql(
          `INSERT INTO account_events (id, user_id, at, kind, address, user_agent)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(newId(), userId, event.at, event.kind, event.address, event.userAgent);
      })();
    },

    async createSession(session) {
      try {
        sql('INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)').run(
          session.id,
          session.userId,
          session.expiresAt,
        );
      } catch (error) {
        if (isForeignKeyFailure(error)) throw new MissingEntity('user');
        throw error;
      }
    },

    async getSession(id) {
      const row = sql('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
      return row ? toSession(row) : null;
    },

    async listUserSessions(userId) {
      const rows = sql('SELECT * FROM sessions WHERE user_id = ? ORDER BY expires_at').all(
        userId,
      ) as Row[];
      return rows.map(toSession);
    },

    async setSessionExpiry(id, expiresAt) {
      sql('UPDATE sessions SET expires_at = ? WHERE id = ?').run(expiresAt, id);
    },

    async deleteSession(id) {
      sql('DELETE FROM sessions WHERE id = ?').run(id);
    },

    async deleteUserSessions(userId) {
      sql('DELETE FROM sessions WHERE user_id = ?').run(userId);
    },

    async deleteExpiredSessions(now) {
      sql('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    },
  };
}

function toUser(r: Row): User {
  return {
    id: r.id as string,
    email: r.email as string,
    name: r.name as string,
    workspace: r.workspace as string,
    passwordHash: r.password_hash as string,
    createdAt: r.created_at as number,
  };
}

function toSession(r: Row): Session {
  return { id: r.id as string, userId: r.user_id as string, expiresAt: r.expires_at as number };
}
