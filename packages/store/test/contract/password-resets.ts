import { beforeAll, describe, expect, it } from 'vitest';
import { MissingEntity, type Store } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

export function passwordResetsContract(t: ContractContext): void {
  describe('password resets', () => {
    const { unique, makeUser } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    it('gives a reset once, and only before it expires', async () => {
      const user = await makeUser();
      const now = Date.now();
      const reset = { tokenHash: unique('reset'), userId: user.id, expiresAt: now + 60_000 };
      await store.createPasswordReset(reset);
      const [one, two] = await Promise.all([
        store.takePasswordReset(reset.tokenHash, now),
        store.takePasswordReset(reset.tokenHash, now),
      ]);
      expect([one, two].filter(Boolean)).toEqual([reset]);
      expect(await store.takePasswordReset(reset.tokenHash, now)).toBeNull();

      const late = { tokenHash: unique('reset'), userId: user.id, expiresAt: now + 1000 };
      await store.createPasswordReset(late);
      expect(await store.takePasswordReset(late.tokenHash, now + 1000)).toBeNull();
      expect(await store.takePasswordReset('never-made', now)).toBeNull();
    });

    it('removes expired resets and keeps the others', async () => {
      const user = await makeUser();
      const now = Date.now();
      const old = { tokenHash: unique('reset'), userId: user.id, expiresAt: now - 1 };
      const fresh = { tokenHash: unique('reset'), userId: user.id, expiresAt: now + 60_000 };
      await store.createPasswordReset(old);
      await store.createPasswordReset(fresh);
      await store.deleteExpiredPasswordResets(now);
      expect(await store.takePasswordReset(old.tokenHash, now - 10)).toBeNull();
      expect(await store.takePasswordReset(fresh.tokenHash, now)).toEqual(fresh);
    });

    it('refuses a reset for a user that does not exist', async () => {
      await expect(
        store.createPasswordReset({ tokenHash: unique('reset'), userId: 'nobody', expiresAt: 1 }),
      ).rejects.toEqual(new MissingEntity('user'));
    });
  });
}
