import { beforeAll, describe, expect, it } from 'vitest';
import { type Store, UniqueViolation } from '../../src/store.ts';
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
      expect(await store.getDashboardBySlug(owner.workspace, dashboard.slug)).toEqual(dashboard);
      expect(await store.getMembership(dashboard.id, owner.id)).toMatchObject({ role: 'owner' });
      expect(await store.countOwners(dashboard.id)).toBe(1);
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
      expect(await store.countOwners(dashboard.id)).toBe(2);
      const members = await store.listMembers(dashboard.id);
      expect(members.map((m) => [m.userId, m.role, m.email])).toEqual([
        [owner.id, 'owner', owner.email],
        [member.id, 'owner', member.email],
      ]);
      expect(await store.listDashboardsForUser(member.id)).toEqual([
        { ...dashboard, role: 'owner' },
      ]);
      await store.removeMember(dashboard.id, member.id);
      expect(await store.getMembership(dashboard.id, member.id)).toBeNull();
      expect(await store.listDashboardsForUser(member.id)).toEqual([]);
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
  });
}
