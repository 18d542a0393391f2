import { type ActivityAction, EMPTY_LAYOUT } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Activity, LastOwner, type Store } from '../../src/store.ts';
import { type ContractContext, settleUpkeep } from './context.ts';

export function activityContract(t: ContractContext): void {
  describe('activity log and scoped keys', () => {
    const { unique, makeDashboard, makeUser, rec } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });

    const noteOf = (
      dashboardId: string,
      action: ActivityAction,
      at = Date.now(),
      actorId = 'user-1',
    ): Activity => ({
      dashboardId,
      at,
      actor: { type: 'user', id: actorId, label: 'ada@example.com' },
      action,
      target: { type: 'key', id: '', label: 'gateway' },
      address: '127.0.0.1',
    });

    const newKey = (dashboardId: string) => ({
      dashboardId,
      name: unique('key'),
      type: 'production' as const,
      hash: unique('hash'),
      hint: 'bg_prod_abcd',
      createdBy: null,
      createdAt: Date.now(),
      expiresAt: null,
    });

    const listAll = async (dashboardId: string) =>
      (await store.listActivity(dashboardId, {}, { limit: 200 })).entries;

    it('gives keys made without scopes all three permissions on every bucket', async () => {
      const { dashboard } = await makeDashboard();
      const key = await store.createApiKey(newKey(dashboard.id));
      expect(key).toMatchObject({ scopes: ['write', 'read', 'delete'], bucketIds: null });
      expect(await store.getApiKey(key.id)).toMatchObject({
        scopes: ['write', 'read', 'delete'],
        bucketIds: null,
      });
    });

    it('keeps a key scope and changes it in the same step as its entry', async () => {
      const { dashboard } = await makeDashboard();
      const key = await store.createApiKey({
        ...newKey(dashboard.id),
        scopes: ['write'],
        bucketIds: ['b1', 'b2'],
      });
      expect(await store.getApiKeyByHash(key.hash)).toMatchObject({
        scopes: ['write'],
        bucketIds: ['b1', 'b2'],
      });
      await store.setApiKeyScopes(
        key.id,
        { scopes: ['read', 'delete'], bucketIds: null },
        { ...noteOf(dashboard.id, 'key.rescoped'), before: { scopes: ['write'] } },
      );
      expect(await store.getApiKey(key.id)).toMatchObject({
        scopes: ['read', 'delete'],
        bucketIds: null,
      });
      const [entry] = await listAll(dashboard.id);
      expect(entry).toMatchObject({ action: 'key.rescoped', before: { scopes: ['write'] } });
    });

    it('writes the entry with the change, naming the created key', async () => {
      const { dashboard } = await makeDashboard();
      const key = await store.createApiKey(
        newKey(dashboard.id),
        noteOf(dashboard.id, 'key.created'),
      );
      await store.revokeApiKey(key.id, Date.now(), noteOf(dashboard.id, 'key.revoked'));
      // A second revoke changes nothing, so it notes nothing.
      await store.revokeApiKey(key.id, Date.now(), noteOf(dashboard.id, 'key.revoked'));
      const entries = await listAll(dashboard.id);
      expect(entries.map((e) => e.action).sort()).toEqual(['key.created', 'key.revoked']);
      const created = entries.find((e) => e.action === 'key.created')!;
      expect(created).toMatchObject({
        dashboardId: dashboard.id,
        actor: { type: 'user', id: 'user-1', label: 'ada@example.com' },
        target: { type: 'key', id: key.id, label: 'gateway' },
        address: '127.0.0.1',
        before: null,
        after: null,
      });
    });

    it('writes no entry when the change is refused', async () => {
      const { owner, dashboard } = await makeDashboard();
      const member = await makeUser();
      await store.addMember(dashboard.id, member.id, 'user', noteOf(dashboard.id, 'member.added'));
      await expect(
        store.addMember(dashboard.id, member.id, 'admin', noteOf(dashboard.id, 'member.added')),
      ).rejects.toThrow();
      await expect(
        store.removeMember(dashboard.id, owner.id, noteOf(dashboard.id, 'member.removed')),
      ).rejects.toBeInstanceOf(LastOwner);
      await store.setMemberRole(
        dashboard.id,
        member.id,
        'admin',
        noteOf(dashboard.id, 'member.role_changed'),
      );
      expect((await listAll(dashboard.id)).map((e) => e.action).sort()).toEqual([
        'member.added',
        'member.role_changed',
      ]);
    });

    it('notes bucket, record, layout and dashboard changes', async () => {
      const { dashboard } = await makeDashboard();
      const note = (action: ActivityAction) => ({
        ...noteOf(dashboard.id, action),
        target: { type: 'bucket', id: '', label: 'line' },
      });
      const bucket = await store.createBucket(
        { dashboardId: dashboard.id, name: 'line', type: 'IV' },
        note('bucket.created'),
      );
      await store.upsertRecords(
        bucket,
        [rec(1, { 1: 1 }), rec(2, { 1: 2 }), rec(3, { 1: 3 })],
        'merge',
      );
      await store.renameBucket(bucket.id, 'line 2', note('bucket.renamed'));
      await store.setBucketSeries(bucket.id, [], note('bucket.series_changed'));
      const deleted = await store.deleteRecords(
        (await store.getBucket(bucket.id))!,
        { from: 1, to: 2 },
        { ...note('records.deleted'), before: { from: 1, to: 2 } },
      );
      expect(deleted).toBe(2);
      await store.purgeRecords((await store.getBucket(bucket.id))!, note('bucket.purged'));
      await store.saveLayout(
        dashboard.id,
        {
          expectedVersion: 0,
          content: { widgets: [], defaultRange: EMPTY_LAYOUT.defaultRange, maxWidth: null },
          updatedBy: null,
          at: Date.now(),
        },
        noteOf(dashboard.id, 'layout.saved'),
      );
      await store.updateDashboard(
        dashboard.id,
        { name: 'New' },
        noteOf(dashboard.id, 'dashboard.renamed'),
      );
      await store.deleteBucket(bucket.id, note('bucket.deleted'));
      const entries = await listAll(dashboard.id);
      expect(entries.map((e) => e.action).sort()).toEqual(
        [
          'bucket.created',
          'bucket.deleted',
          'bucket.purged',
          'bucket.renamed',
          'bucket.series_changed',
          'dashboard.renamed',
          'layout.saved',
          'records.deleted',
        ].sort(),
      );
      expect(entries.find((e) => e.action === 'bucket.created')!.target.id).toBe(bucket.id);
      expect(entries.find((e) => e.action === 'records.deleted')).toMatchObject({
        before: { from: 1, to: 2 },
        after: { deleted: 2 },
      });
      expect(entries.find((e) => e.action === 'bucket.purged')!.after).toEqual({ deleted: 1 });
    });

    it('keeps a deleted dashboard its "deleted" entry, and every entry to its dashboard', async () => {
      const a = await makeDashboard();
      const b = await makeDashboard();
      await store.createApiKey(newKey(a.dashboard.id), noteOf(a.dashboard.id, 'key.created'));
      await store.deleteDashboard(b.dashboard.id, noteOf(b.dashboard.id, 'dashboard.deleted'));
      expect((await listAll(a.dashboard.id)).map((e) => e.action)).toEqual(['key.created']);
      expect((await listAll(b.dashboard.id)).map((e) => e.action)).toEqual(['dashboard.deleted']);
    });

    it('filters by actor, action and time, and pages newest first', async () => {
      const { dashboard } = await makeDashboard();
      const base = 1_000_000;
      for (let i = 0; i < 7; i++) {
        await store.createApiKey(
          newKey(dashboard.id),
          noteOf(dashboard.id, i % 2 ? 'key.created' : 'key.rolled', base + i, `user-${i % 3}`),
        );
      }
      const first = await store.listActivity(dashboard.id, {}, { limit: 3 });
      expect(first.entries.map((e) => e.at)).toEqual([base + 6, base + 5, base + 4]);
      const second = await store.listActivity(
        dashboard.id,
        {},
        { limit: 3, cursor: first.nextCursor },
      );
      expect(second.entries.map((e) => e.at)).toEqual([base + 3, base + 2, base + 1]);
      const third = await store.listActivity(
        dashboard.id,
        {},
        { limit: 3, cursor: second.nextCursor },
      );
      expect(third.entries.map((e) => e.at)).toEqual([base]);
      expect(third.nextCursor).toBeNull();

      const byAction = await store.listActivity(
        dashboard.id,
        { action: 'key.created' },
        { limit: 50 },
      );
      expect(byAction.entries.map((e) => e.at)).toEqual([base + 5, base + 3, base + 1]);
      const byActor = await store.listActivity(
        dashboard.id,
        { actorType: 'user', actorId: 'user-0' },
        { limit: 50 },
      );
      expect(byActor.entries.map((e) => e.at)).toEqual([base + 6, base + 3, base]);
      const byTime = await store.listActivity(
        dashboard.id,
        { from: base + 2, to: base + 4 },
        { limit: 50 },
      );
      expect(byTime.entries.map((e) => e.at)).toEqual([base + 4, base + 3, base + 2]);
      expect(
        (await store.listActivity(dashboard.id, { actorType: 'apiKey' }, { limit: 50 })).entries,
      ).toEqual([]);
    });

    it('keeps entries and account events a year, then upkeep removes them', async () => {
      const { dashboard } = await makeDashboard();
      const user = await makeUser();
      const day = 86_400_000;
      const yearAgo = Date.now() - 365 * day;
      for (const at of [yearAgo - day, yearAgo + day]) {
        await store.createApiKey(newKey(dashboard.id), noteOf(dashboard.id, 'key.created', at));
        await store.addAccountEvent({
          userId: user.id,
          at,
          kind: 'signed_in',
          address: null,
          userAgent: null,
        });
      }
      await settleUpkeep(store);
      expect((await listAll(dashboard.id)).map((e) => e.at)).toEqual([yearAgo + day]);
      expect((await store.listAccountEvents(user.id, 10)).map((e) => e.at)).toEqual([
        yearAgo + day,
      ]);
    });

    it('keeps each account its own history of sign-ins and password changes', async () => {
      const ada = await makeUser();
      const bob = await makeUser();
      await store.addAccountEvent({
        userId: ada.id,
        at: 10,
        kind: 'signed_in',
        address: '10.0.0.1',
        userAgent: 'Firefox',
      });
      await store.addAccountEvent({
        userId: ada.id,
        at: 20,
        kind: 'password_changed',
        address: '10.0.0.1',
        userAgent: null,
      });
      await store.addAccountEvent({
        userId: bob.id,
        at: 30,
        kind: 'signed_in',
        address: null,
        userAgent: null,
      });
      const events = await store.listAccountEvents(ada.id, 10);
      expect(events.map((e) => [e.kind, e.at])).toEqual([
        ['password_changed', 20],
        ['signed_in', 10],
      ]);
      expect(events[1]).toMatchObject({
        userId: ada.id,
        address: '10.0.0.1',
        userAgent: 'Firefox',
      });
      expect(await store.listAccountEvents(ada.id, 1)).toHaveLength(1);
    });
  });
}
