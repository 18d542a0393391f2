import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LastOwner, MissingEntity, type Store, UniqueViolation } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

export function dashboardsContract(t: ContractContext): void {
  describe('dashboards and members', () => {
    const { unique, makeUser, makeDashboard, rec, readAll } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    it('creates a dashboard owned by its creator', async () => {
      const { owner, dashboard } = await makeDashboard();
      expect(await store.getDashboard(dashboard.id)).toEqual(dashboard);
      expect(await store.getMembership(dashboard.id, owner.id)).toMatchObject({ role: 'owner' });
      expect(await store.listDashboardsForUser(owner.id)).toEqual([
        { ...dashboard, role: 'owner' },
      ]);
    });

    it('keeps slugs unique within a workspace only', async () => {
      const { owner, dashboard } = await makeDashboard();
      const base = { ownerId: owner.id, workspace: owner.workspace, name: 'n', retention: 1000 };
      await expect(store.createDashboard({ ...base, slug: dashboard.slug })).rejects.toEqual(
        new UniqueViolation('slug'),
      );
      const other = await makeUser();
      await store.createDashboard({
        ...base,
        ownerId: other.id,
        workspace: other.workspace,
        slug: dashboard.slug,
      });
      const second = await store.createDashboard({ ...base, slug: unique('s') });
      await expect(store.updateDashboard(second.id, { slug: dashboard.slug })).rejects.toEqual(
        new UniqueViolation('slug'),
      );
    });

    it('updates name, slug and retention', async () => {
      const { dashboard } = await makeDashboard();
      const updated = await store.updateDashboard(dashboard.id, { name: 'New', retention: 1000 });
      expect(updated).toEqual({ ...dashboard, name: 'New', retention: 1000 });
      expect(await store.updateDashboard('missing', { name: 'x' })).toBeNull();
    });

    it('adds, re-roles, lists and removes members', async () => {
      const { owner, dashboard } = await makeDashboard();
      const member = await makeUser();
      await store.addMember(dashboard.id, member.id, 'user');
      await expect(store.addMember(dashboard.id, member.id, 'admin')).rejects.toEqual(
        new UniqueViolation('membership'),
      );
      await store.setMemberRole(dashboard.id, member.id, 'owner');
      const members = await store.listMembers(dashboard.id);
      // Oldest first, ties (the same millisecond) by user id.
      const expected = [
        { ...(await store.getMembership(dashboard.id, owner.id))!, email: owner.email },
        { ...(await store.getMembership(dashboard.id, member.id))!, email: member.email },
      ].sort((a, b) => a.createdAt - b.createdAt || (a.userId < b.userId ? -1 : 1));
      expect(members.map((m) => [m.userId, m.role, m.email])).toEqual(
        expected.map((m) => [m.userId, 'owner', m.email]),
      );
      expect(await store.listDashboardsForUser(member.id)).toEqual([
        { ...dashboard, role: 'owner' },
      ]);
      await store.removeMember(dashboard.id, member.id);
      expect(await store.getMembership(dashboard.id, member.id)).toBeNull();
      expect(await store.listDashboardsForUser(member.id)).toEqual([]);
    });

    it('finds a dashboard by id or path only for its members, with their role', async () => {
      const { owner, dashboard } = await makeDashboard();
      const member = await makeUser();
      const stranger = await makeUser();
      await store.addMember(dashboard.id, member.id, 'admin');
      const path = { workspace: owner.workspace, slug: dashboard.slug };
      for (const ref of [dashboard.id, path]) {
        expect(await store.getDashboardForMember(ref, owner.id)).toEqual({
          ...dashboard,
          role: 'owner',
        });
        expect(await store.getDashboardForMember(ref, member.id)).toEqual({
          ...dashboard,
          role: 'admin',
        });
        expect(await store.getDashboardForMember(ref, stranger.id)).toBeNull();
      }
      expect(await store.getDashboardForMember('missing', owner.id)).toBeNull();
      const elsewhere = { workspace: stranger.workspace, slug: dashboard.slug };
      for (const ref of [{ ...path, slug: unique('missing') }, elsewhere]) {
        expect(await store.getDashboardForMember(ref, owner.id)).toBeNull();
      }
    });

    it('never demotes or removes the last owner, and changes nothing when it refuses', async () => {
      const { owner, dashboard } = await makeDashboard();
      const admin = await makeUser();
      await store.addMember(dashboard.id, admin.id, 'admin');
      await expect(store.setMemberRole(dashboard.id, owner.id, 'admin')).rejects.toEqual(
        new LastOwner(),
      );
      await expect(store.removeMember(dashboard.id, owner.id)).rejects.toEqual(new LastOwner());
      expect(await store.getMembership(dashboard.id, owner.id)).toMatchObject({ role: 'owner' });
      await store.setMemberRole(dashboard.id, owner.id, 'owner');
      await store.setMemberRole(dashboard.id, admin.id, 'user');
      await store.removeMember(dashboard.id, admin.id);
      // A user who is not a member: no change, no error.
      await store.removeMember(dashboard.id, admin.id);
      await store.setMemberRole(dashboard.id, admin.id, 'admin');
      expect(await store.getMembership(dashboard.id, admin.id)).toBeNull();
    });

    it('leaves exactly one owner when two owners remove or demote each other at once', async () => {
      for (let round = 0; round < 10; round++) {
        const { owner, dashboard } = await makeDashboard();
        const second = await makeUser();
        await store.addMember(dashboard.id, second.id, 'owner');
        const outcomes = await Promise.allSettled(
          round % 2 === 0
            ? [
                store.removeMember(dashboard.id, second.id),
                store.removeMember(dashboard.id, owner.id),
              ]
            : [
                store.setMemberRole(dashboard.id, second.id, 'user'),
                store.setMemberRole(dashboard.id, owner.id, 'admin'),
              ],
        );
        expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect(outcomes.find((o) => o.status === 'rejected')?.reason).toEqual(new LastOwner());
        const owners = (await store.listMembers(dashboard.id)).filter((m) => m.role === 'owner');
        expect(owners).toHaveLength(1);
      }
    });

    it('creates no API key for a dashboard that is gone, nor for one deleted meanwhile', async () => {
      const key = (dashboardId: string) =>
        store.createApiKey({
          dashboardId,
          name: 'k',
          type: 'production',
          hash: unique('hash'),
          hint: 'bg_prod_abcd',
          createdBy: null,
          createdAt: Date.now(),
          expiresAt: null,
        });
      await expect(key('missing')).rejects.toEqual(new MissingEntity('dashboard'));
      for (let round = 0; round < 5; round++) {
        const { dashboard } = await makeDashboard();
        const [created] = await Promise.allSettled([
          key(dashboard.id),
          store.deleteDashboard(dashboard.id),
        ]);
        expect(await store.listApiKeys(dashboard.id)).toEqual([]);
        if (created.status === 'fulfilled') {
          expect(await store.getApiKey(created.value.id)).toBeNull();
        } else {
          expect(created.reason).toEqual(new MissingEntity('dashboard'));
        }
      }
    });

    it('deletes a dashboard with everything it owns', async () => {
      const { owner, dashboard } = await makeDashboard();
      const bucket = await store.createBucket({
        dashboardId: dashboard.id,
        name: 'b',
        type: 'IV',
      });
      await store.upsertRecords(bucket, [rec(1, { 1: 1 })], 'merge');
      const key = await store.createApiKey({
        dashboardId: dashboard.id,
        name: 'k',
        type: 'production',
        hash: unique('hash'),
        hint: 'bg_prod_abcd',
        createdBy: owner.id,
        createdAt: Date.now(),
        expiresAt: null,
      });
      await store.deleteDashboard(dashboard.id);
      expect(await store.getDashboard(dashboard.id)).toBeNull();
      expect(await store.getBucket(bucket.id)).toBeNull();
      expect(await store.getApiKey(key.id)).toBeNull();
      expect(await store.getMembership(dashboard.id, owner.id)).toBeNull();
      expect(await store.listDashboardsForUser(owner.id)).toEqual([]);
      expect(await readAll(bucket)).toEqual([]);
    });

    it('refuses a dashboard of an owner that does not exist, and keeps nothing of it', async () => {
      const base = { workspace: unique('ws'), slug: unique('s'), name: 'n', retention: 1000 };
      await expect(store.createDashboard({ ...base, ownerId: 'missing' })).rejects.toEqual(
        new MissingEntity('user'),
      );
      const owner = await makeUser();
      // The slug is still free: nothing of the refused dashboard was kept.
      await store.createDashboard({ ...base, ownerId: owner.id });
    });

    it('refuses a member of a dashboard or a user that does not exist', async () => {
      const { owner, dashboard } = await makeDashboard();
      const user = await makeUser();
      await expect(store.addMember('missing', user.id, 'user')).rejects.toEqual(
        new MissingEntity('dashboard'),
      );
      await expect(store.addMember(dashboard.id, 'missing', 'user')).rejects.toEqual(
        new MissingEntity('user'),
      );
      expect((await store.listMembers(dashboard.id)).map((m) => m.userId)).toEqual([owner.id]);
      expect(await store.listDashboardsForUser(user.id)).toEqual([]);
    });

    it('keeps no bucket, key or member created while the dashboard is being deleted', async () => {
      const { dashboard } = await makeDashboard();
      const users = await Promise.all([makeUser(), makeUser(), makeUser()]);
      const hashes = [unique('hash'), unique('hash'), unique('hash')];
      const created = await Promise.allSettled([
        ...['a', 'b', 'c'].map((name) =>
          store.createBucket({ dashboardId: dashboard.id, name, type: 'IV' }),
        ),
        ...hashes.map((hash) =>
          store.createApiKey({
            dashboardId: dashboard.id,
            name: 'k',
            type: 'production',
            hash,
            hint: 'bg_prod_abcd',
            createdBy: null,
            createdAt: Date.now(),
            expiresAt: null,
          }),
        ),
        ...users.map((user) => store.addMember(dashboard.id, user.id, 'user')),
        store.deleteDashboard(dashboard.id),
      ]);
      for (const outcome of created) {
        // Each creation either came first (and went with the dashboard) or found it gone.
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toEqual(new MissingEntity('dashboard'));
        }
      }
      for (const outcome of created.slice(0, 3)) {
        if (outcome.status !== 'fulfilled') continue;
        const bucket = outcome.value as Awaited<ReturnType<Store['createBucket']>>;
        expect(await store.getBucket(bucket.id)).toBeNull();
        await expect(store.upsertRecords(bucket, [rec(1, { 1: 1 })], 'merge')).rejects.toEqual(
          new MissingEntity('bucket'),
        );
      }
      for (const hash of hashes) expect(await store.getApiKeyByHash(hash)).toBeNull();
      for (const user of users) {
        expect(await store.getMembership(dashboard.id, user.id)).toBeNull();
        expect(await store.listDashboardsForUser(user.id)).toEqual([]);
      }
    });

    it('lists what was created in the same millisecond by id, on every backend', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      try {
        const owner = await makeUser();
        const dashboards = [];
        for (let i = 0; i < 4; i++) {
          dashboards.push(
            await store.createDashboard({
              ownerId: owner.id,
              workspace: owner.workspace,
              slug: unique('tie'),
              name: 'Tie',
              retention: 1000,
            }),
          );
        }
        const ids = (items: { id: string }[]) => items.map((item) => item.id);
        expect(ids(await store.listDashboardsForUser(owner.id))).toEqual(ids(dashboards).sort());

        const [dashboard] = dashboards;
        const members = [owner.id];
        for (let i = 0; i < 4; i++) {
          const user = await makeUser();
          await store.addMember(dashboard!.id, user.id, 'user');
          members.push(user.id);
        }
        const listed = await store.listMembers(dashboard!.id);
        expect(listed.map((m) => m.userId)).toEqual(members.sort());

        const buckets = [];
        for (let i = 0; i < 4; i++) {
          buckets.push(
            await store.createBucket({ dashboardId: dashboard!.id, name: 'b', type: 'IV' }),
          );
        }
        expect(ids(await store.listBuckets(dashboard!.id))).toEqual(ids(buckets).sort());
      } finally {
        vi.useRealTimers();
      }
    });
  });
}
