import type { Store } from '@bucketgrid/store';
import type { Adapter, DatabaseSession } from 'lucia';

const toDatabaseSession = (s: {
  id: string;
  userId: string;
  expiresAt: number;
}): DatabaseSession => ({
  id: s.id,
  userId: s.userId,
  expiresAt: new Date(s.expiresAt),
  attributes: {},
});

/** Lucia's session storage is our own store (SQLite or MongoDB), not a separate adapter. */
export function storeAdapter(store: Store): Adapter {
  return {
    async getSessionAndUser(sessionId) {
      const session = await store.getSession(sessionId);
      if (!session) return [null, null];
      const user = await store.getUserById(session.userId);
      if (!user) return [null, null];
      return [
        toDatabaseSession(session),
        {
          id: user.id,
          attributes: { email: user.email, name: user.name, workspace: user.workspace },
        },
      ];
    },
    async getUserSessions(userId) {
      return (await store.listUserSessions(userId)).map(toDatabaseSession);
    },
    async setSession(session) {
      await store.createSession({
        id: session.id,
        userId: session.userId,
        expiresAt: session.expiresAt.getTime(),
      });
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await store.setSessionExpiry(sessionId, expiresAt.getTime());
    },
    async deleteSession(sessionId) {
      await store.deleteSession(sessionId);
    },
    async deleteUserSessions(userId) {
      await store.deleteUserSessions(userId);
    },
    async deleteExpiredSessions() {
      await store.deleteExpiredSessions(Date.now());
    },
  };
}
