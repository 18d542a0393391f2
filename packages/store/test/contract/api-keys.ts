import { beforeAll, describe, expect, it } from 'vitest';
import { MissingEntity, type Store } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

export function apiKeysContract(t: ContractContext): void {
  describe('API keys', () => {
    const { unique, makeDashboard } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    async function makeKey(
      dashboardId: string,
      createdAt = Date.now(),
      createdBy: string | null = null,
    ) {
      return store.createApiKey({
        dashboardId,
        name: unique('key'),
        type: 'development',
        hash: unique('hash'),
        hint: 'bg_dev_abcd',
        createdBy,
        createdAt,
        expiresAt: null,
      });
    }

    it('creates keys and finds them by id and hash', async () => {
      const { dashboard } = await makeDashboard();
      const key = await makeKey(dashboard.id);
      expect(key).toMatchObject({ revokedAt: null, lastUsedAt: null, createdBy: null });
      expect(await store.getApiKey(key.id)).toEqual(key);
      expect(await store.getApiKeyByHash(key.hash)).toEqual(key);
      expect(await store.getApiKeyByHash('unknown')).toBeNull();
    });

    it('lists keys newest first, per dashboard', async () => {
      const { dashboard } = await makeDashboard();
      const older = await makeKey(dashboard.id, 1000);
      const newer = await makeKey(dashboard.id, 2000);
      await makeKey((await makeDashboard()).dashboard.id);
      expect((await store.listApiKeys(dashboard.id)).map((k) => k.id)).toEqual([
        newer.id,
        older.id,
      ]);
    });

    it('revokes once, sets expiry, and keeps the latest last-used time', async () => {
      const { dashboard } = await makeDashboard();
      const key = await makeKey(dashboard.id);
      await store.revokeApiKey(key.id, 111);
      await store.revokeApiKey(key.id, 222);
      await store.setApiKeyExpiry(key.id, 333);
      await store.touchApiKeys(new Map([[key.id, 500]]));
      await store.touchApiKeys(new Map([[key.id, 400]]));
      expect(await store.getApiKey(key.id)).toMatchObject({
        revokedAt: 111,
        expiresAt: 333,
        lastUsedAt: 500,
      });
    });

    it('lists keys created in the same millisecond by id (newest first is that order reversed)', async () => {
      const { dashboard } = await makeDashboard();
      const tied = [];
      for (let i = 0; i < 4; i++) tied.push((await makeKey(dashboard.id, 5000)).id);
      const newest = await makeKey(dashboard.id, 6000);
      expect((await store.listApiKeys(dashboard.id)).map((k) => k.id)).toEqual([
        newest.id,
        ...tied.sort().reverse(),
      ]);
    });

    it('refuses a key of a dashboard or a creator that does not exist', async () => {
      const { owner, dashboard } = await makeDashboard();
      await expect(makeKey('missing', Date.now(), owner.id)).rejects.toEqual(
        new MissingEntity('dashboard'),
      );
      await expect(makeKey(dashboard.id, Date.now(), 'missing')).rejects.toEqual(
        new MissingEntity('user'),
      );
      expect(await store.listApiKeys(dashboard.id)).toEqual([]);
      expect((await makeKey(dashboard.id, Date.now(), owner.id)).createdBy).toBe(owner.id);
    });
  });
}
