import { beforeAll, describe, expect, it } from 'vitest';
import { MissingEntity, type Store, UniqueViolation } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

export function usersContract(t: ContractContext): void {
  describe('users and sessions', () => {
    const { unique, makeUser } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    it('creates users and finds them by id and email', async () => {
      const user = await makeUser();
      expect(user.id).toMatch(/^[0-9A-Za-z]{22}$/);
      expect(await store.getUserById(user.id)).toEqual(user);
      expect(await store.getUserByEmail(user.email)).toEqual(user);
      expect(await store.getUserById('nope')).toBeNull();
      expect(await store.getUserByEmail('nobody@example.com')).toBeNull();
    });

    it('refuses a taken email or workspace with UniqueViolation', async () => {
      const user = await makeUser();
      const other = { name: 'x', passwordHash: 'h' };
      await expect(
        store.createUser({ ...other, email: user.email, workspace: unique('ws') }),
      ).rejects.toEqual(new UniqueViolation('email'));
      await expect(
        store.createUser({ ...other, email: `${unique('e')}@x.io`, workspace: user.workspace }),
      ).rejects.toEqual(new UniqueViolation('workspace'));
    });

    it('changes a password hash', async () => {
      const user = await makeUser();
      await store.setUserPassword(user.id, 'new-hash');
      expect((await store.getUserById(user.id))?.passwordHash).toBe('new-hash');
    });

    it('notes a password change in the account’s history with the change', async () => {
      const user = await makeUser();
      const event = {
        at: 1_000,
        kind: 'password_changed' as const,
        address: '10.0.0.1',
        userAgent: 'Firefox',
      };
      await store.setUserPassword(user.id, 'newer-hash', event);
      expect(await store.listAccountEvents(user.id, 10)).toEqual([
        { ...event, id: expect.any(String), userId: user.id },
      ]);
      // No such user: no password set, so no history either.
      await store.setUserPassword('no-such-user', 'hash', event);
      expect(await store.listAccountEvents('no-such-user', 10)).toEqual([]);
    });

    it('keeps, extends, deletes and expires sessions', async () => {
      const user = await makeUser();
      const now = Date.now();
      await store.createSession({ id: unique('s'), userId: user.id, expiresAt: now + 1000 });
      const session = { id: unique('s'), userId: user.id, expiresAt: now + 5000 };
      await store.createSession(session);
      expect(await store.getSession(session.id)).toEqual(session);
      expect((await store.listUserSessions(user.id)).map((s) => s.id)).toHaveLength(2);
      expect(await store.listUserSessions('nobody')).toEqual([]);
      await store.setSessionExpiry(session.id, now + 9000);
      expect((await store.getSession(session.id))?.expiresAt).toBe(now + 9000);
      const expired = { id: unique('s'), userId: user.id, expiresAt: now - 1 };
      await store.createSession(expired);
      await store.deleteExpiredSessions(now);
      expect(await store.getSession(expired.id)).toBeNull();
      expect(await store.getSession(session.id)).not.toBeNull();
      await store.deleteSession(session.id);
      expect(await store.getSession(session.id)).toBeNull();
      const other = { id: unique('s'), userId: user.id, expiresAt: now + 5000 };
      await store.createSession(other);
      await store.deleteUserSessions(user.id);
      expect(await store.getSession(other.id)).toBeNull();
    });

    it('refuses a session of a user that does not exist with MissingEntity', async () => {
      const session = { id: unique('s'), userId: 'missing', expiresAt: Date.now() + 1000 };
      await expect(store.createSession(session)).rejects.toEqual(new MissingEntity('user'));
      expect(await store.getSession(session.id)).toBeNull();
    });
  });
}
