import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

export function apiKeysContract(t: ContractContext): void {
  describe('API keys', () => {
    const { unique, makeDashboard } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    async function makeKey(dashboardId: string, createdAt = Date.now()) {
      return store.createApiKey({
        dashboardId,
        name: unique('key'),
        type: 'development',
        hash: unique('hash'),
        hint: 'bg_dev_abcd',
        createdBy: null,
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
  });
}
