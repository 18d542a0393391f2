import type { ActivityAction } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Activity, MissingEntity, type NewShareLink, type Store } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

export function shareLinksContract(t: ContractContext): void {
  describe('share links', () => {
    const { unique, makeDashboard } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    const newLink = (dashboardId: string, createdBy: string | null): NewShareLink => ({
      dashboardId,
      name: unique('link'),
      tokenHash: unique('hash'),
      expiresAt: null,
      allowRangeChange: false,
      frameOrigins: ['https://intranet.example.com'],
      createdBy,
      createdAt: Date.now(),
    });
    const note = (dashboardId: string, action: ActivityAction): Activity => ({
      dashboardId,
      at: Date.now(),
      actor: { type: 'user', id: 'user-1', label: 'ada@example.com' },
      action,
      target: { type: 'share_link', id: '', label: 'status page' },
      address: '127.0.0.1',
    });
    const actions = async (dashboardId: string) =>
      (await store.listActivity(dashboardId, {}, { limit: 200 })).entries.map((entry) => [
        entry.action,
        entry.target.id,
      ]);

    it('stores a link with its entry, lists it with its creator, and finds it by token hash', async () => {
      const { owner, dashboard } = await makeDashboard();
      const link = await store.createShareLink(
        { ...newLink(dashboard.id, owner.id), expiresAt: Date.now() + 1000 },
        note(dashboard.id, 'share_link.created'),
      );
      expect(link).toMatchObject({ views: 0, lastViewedAt: null, allowRangeChange: false });
      expect(await store.getShareLink(link.id)).toEqual(link);
      expect(await store.getShareLinkByTokenHash(link.tokenHash)).toEqual(link);
      expect(await store.getShareLinkByTokenHash('nope')).toBeNull();
      const second = await store.createShareLink({
        ...newLink(dashboard.id, owner.id),
        createdAt: link.createdAt + 1,
        allowRangeChange: true,
        frameOrigins: [],
      });
      expect(await store.listShareLinks(dashboard.id)).toEqual([
        { ...second, createdByName: owner.name },
        { ...link, createdByName: owner.name },
      ]);
      expect(await actions(dashboard.id)).toEqual([['share_link.created', link.id]]);
      // Another dashboard's list never holds it.
      const other = await makeDashboard();
      expect(await store.listShareLinks(other.dashboard.id)).toEqual([]);
    });

    it('refuses a link of a dashboard or creator that does not exist, writing no entry', async () => {
      const { owner, dashboard } = await makeDashboard();
      await expect(store.createShareLink(newLink('no-such-dashboard', owner.id))).rejects.toEqual(
        new MissingEntity('dashboard'),
      );
      await expect(
        store.createShareLink(
          newLink(dashboard.id, 'no-such-user'),
          note(dashboard.id, 'share_link.created'),
        ),
      ).rejects.toEqual(new MissingEntity('user'));
      expect(await actions(dashboard.id)).toEqual([]);
    });

    it('regenerates and revokes only through its own dashboard, each with its entry', async () => {
      const { owner, dashboard } = await makeDashboard();
      const other = await makeDashboard();
      const link = await store.createShareLink(newLink(dashboard.id, owner.id));
      const hash = unique('hash');
      expect(
        await store.regenerateShareLink(
          other.dashboard.id,
          link.id,
          hash,
          note(other.dashboard.id, 'share_link.regenerated'),
        ),
      ).toBeNull();
      expect(
        await store.revokeShareLink(
          other.dashboard.id,
          link.id,
          note(other.dashboard.id, 'share_link.revoked'),
        ),
      ).toBeNull();
      expect(await actions(other.dashboard.id)).toEqual([]);

      const target = { type: 'share_link', id: link.id, label: link.name };
      const regenerated = await store.regenerateShareLink(dashboard.id, link.id, hash, {
        ...note(dashboard.id, 'share_link.regenerated'),
        target,
      });
      expect(regenerated).toEqual({ ...link, tokenHash: hash });
      expect(await store.getShareLinkByTokenHash(link.tokenHash)).toBeNull();
      expect(await store.getShareLinkByTokenHash(hash)).toEqual(regenerated);

      expect(
        await store.revokeShareLink(dashboard.id, link.id, {
          ...note(dashboard.id, 'share_link.revoked'),
          target,
        }),
      ).toEqual(regenerated);
      expect(await store.getShareLink(link.id)).toBeNull();
      expect(await store.getShareLinkByTokenHash(hash)).toBeNull();
      expect(await store.revokeShareLink(dashboard.id, link.id)).toBeNull();
      expect(await actions(dashboard.id)).toEqual([
        ['share_link.revoked', link.id],
        ['share_link.regenerated', link.id],
      ]);
    });

    it('adds views and keeps the latest view time', async () => {
      const { owner, dashboard } = await makeDashboard();
      const link = await store.createShareLink(newLink(dashboard.id, owner.id));
      await store.recordShareLinkViews(new Map([[link.id, { views: 3, lastViewedAt: 2_000 }]]));
      await store.recordShareLinkViews(
        new Map([
          [link.id, { views: 2, lastViewedAt: 1_000 }],
          ['gone', { views: 1, lastViewedAt: 1_000 }],
        ]),
      );
      expect(await store.getShareLink(link.id)).toMatchObject({ views: 5, lastViewedAt: 2_000 });
    });

    it('goes with its dashboard', async () => {
      const { owner, dashboard } = await makeDashboard();
      const link = await store.createShareLink(newLink(dashboard.id, owner.id));
      await store.deleteDashboard(dashboard.id);
      expect(await store.getShareLink(link.id)).toBeNull();
      expect(await store.getShareLinkByTokenHash(link.tokenHash)).toBeNull();
    });
  });
}
