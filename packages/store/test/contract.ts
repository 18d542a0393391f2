import type { DataRecord } from '@bucketgrid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Bucket,
  LastOwner,
  MissingEntity,
  type Store,
  UniqueViolation,
} from '../src/store.ts';

/**
 * The behaviour every store backend must have. Each backend's test file calls this with a
 * function that opens a fresh, empty store.
 */
export function runStoreContract(label: string, open: () => Promise<Store>): void {
  describe(`${label} store contract`, () => {
    let store: Store;
    let counter = 0;
    const unique = (name: string) => `${name}-${++counter}`;

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
    });

    async function makeUser() {
      const name = unique('user');
      return store.createUser({
        email: `${name}@example.com`,
        name,
        workspace: name,
        passwordHash: 'hash',
      });
    }

    async function makeDashboard(retention = 100_000) {
      const owner = await makeUser();
      const dashboard = await store.createDashboard({
        ownerId: owner.id,
        workspace: owner.workspace,
        slug: unique('dash'),
        name: 'Dash',
        retention,
      });
      return { owner, dashboard };
    }

    async function makeBucket(type: Bucket['type'] = 'TSV', retention = 100_000) {
      const { dashboard } = await makeDashboard(retention);
      return store.createBucket({ dashboardId: dashboard.id, name: 'b', type });
    }

    const rec = (key: number | string, values: Record<number, number | null>): DataRecord => ({
      key,
      values,
    });

    const readAll = async (bucket: Bucket) =>
      (await store.readRecords(bucket, { order: 'asc', limit: 10_000 })).records;

    describe('users and sessions', () => {
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
    });

    describe('dashboards and members', () => {
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
        expect(
          await store.getDashboardForMember({ ...path, slug: unique('missing') }, owner.id),
        ).toBeNull();
        expect(
          await store.getDashboardForMember(
            { workspace: stranger.workspace, slug: dashboard.slug },
            owner.id,
          ),
        ).toBeNull();
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

    describe('buckets', () => {
      it('creates, lists, renames and deletes buckets', async () => {
        const { dashboard } = await makeDashboard(10_000);
        const a = await store.createBucket({ dashboardId: dashboard.id, name: 'a', type: 'TSV' });
        const b = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'KV' });
        expect(a).toMatchObject({
          dashboardId: dashboard.id,
          name: 'a',
          type: 'TSV',
          retention: 10_000,
          recordCount: 0,
          lastWriteAt: null,
        });
        expect((await store.listBuckets(dashboard.id)).map((x) => x.id)).toEqual([a.id, b.id]);
        await store.renameBucket(a.id, 'renamed');
        expect((await store.getBucket(a.id))?.name).toBe('renamed');
        await store.upsertRecords(b, [rec('x', { 1: 1 })], 'merge');
        await store.deleteBucket(b.id);
        expect(await store.getBucket(b.id)).toBeNull();
        expect(await readAll(b)).toEqual([]);
        expect((await store.listBuckets(dashboard.id)).map((x) => x.id)).toEqual([a.id]);
      });

      it('reflects the dashboard retention in the bucket', async () => {
        const { dashboard } = await makeDashboard(10_000);
        const bucket = await store.createBucket({
          dashboardId: dashboard.id,
          name: 'a',
          type: 'KV',
        });
        await store.updateDashboard(dashboard.id, { retention: 1000 });
        expect((await store.getBucket(bucket.id))?.retention).toBe(1000);
      });
    });

    describe('records', () => {
      it('inserts, then merges series on merge writes', async () => {
        const bucket = await makeBucket('TSV');
        expect(
          await store.upsertRecords(
            bucket,
            [rec(1000, { 1: 1, 2: 2 }), rec(2000, { 1: 5 })],
            'merge',
          ),
        ).toEqual({ inserted: 2, updated: 0 });
        expect(await store.upsertRecords(bucket, [rec(1000, { 2: 20, 3: null })], 'merge')).toEqual(
          { inserted: 0, updated: 1 },
        );
        expect(await readAll(bucket)).toEqual([
          rec(1000, { 1: 1, 2: 20, 3: null }),
          rec(2000, { 1: 5 }),
        ]);
        const after = await store.getBucket(bucket.id);
        expect(after?.recordCount).toBe(2);
        expect(after?.lastWriteAt).toBeGreaterThan(0);
      });

      it('replaces a record as a whole on replace writes', async () => {
        const bucket = await makeBucket('IV');
        await store.upsertRecords(bucket, [rec(7, { 1: 1, 2: 2 })], 'replace');
        expect(await store.upsertRecords(bucket, [rec(7, { 3: 3 })], 'replace')).toEqual({
          inserted: 0,
          updated: 1,
        });
        expect(await readAll(bucket)).toEqual([rec(7, { 3: 3 })]);
      });

      it('applies several records with one key in order, the last winning', async () => {
        const bucket = await makeBucket('KV');
        const result = await store.upsertRecords(
          bucket,
          [rec('a', { 1: 1, 2: 1 }), rec('a', { 1: 2 }), rec('a', { 1: 3 })],
          'merge',
        );
        expect(result).toEqual({ inserted: 1, updated: 2 });
        expect(await readAll(bucket)).toEqual([rec('a', { 1: 3, 2: 1 })]);
        await store.upsertRecords(bucket, [rec('a', { 5: 5 }), rec('a', { 6: 6 })], 'replace');
        expect(await readAll(bucket)).toEqual([rec('a', { 6: 6 })]);
        expect((await store.getBucket(bucket.id))?.recordCount).toBe(1);
      });

      it('keeps buckets apart', async () => {
        const a = await makeBucket('IV');
        const b = await makeBucket('IV');
        await store.upsertRecords(a, [rec(1, { 1: 1 })], 'merge');
        await store.upsertRecords(b, [rec(1, { 1: 2 })], 'merge');
        expect(await readAll(a)).toEqual([rec(1, { 1: 1 })]);
        expect(await readAll(b)).toEqual([rec(1, { 1: 2 })]);
      });

      it('refuses a write to a deleted bucket with MissingEntity', async () => {
        const bucket = await makeBucket('IV');
        await store.deleteBucket(bucket.id);
        const write = store.upsertRecords(bucket, [rec(1, { 1: 1 })], 'merge');
        await expect(write).rejects.toEqual(new MissingEntity('bucket'));
      });

      it('commits concurrent writes independently and completely', async () => {
        const bucket = await makeBucket('IV');
        const writes = Array.from({ length: 50 }, (_, i) =>
          store.upsertRecords(bucket, [rec(i, { 1: i }), rec(i + 1000, { 2: i })], 'merge'),
        );
        const results = await Promise.all(writes);
        expect(results.every((r) => r.inserted === 2)).toBe(true);
        expect((await store.getBucket(bucket.id))?.recordCount).toBe(100);
      });

      it('reads ranges in both orders with limit and continuation', async () => {
        const bucket = await makeBucket('IV');
        await store.upsertRecords(
          bucket,
          [-5, 0, 3, 10, 42, 100].map((k) => rec(k, { 1: k })),
          'merge',
        );
        const keys = (r: { records: DataRecord[] }) => r.records.map((x) => x.key);
        expect(keys(await store.readRecords(bucket, { order: 'asc', limit: 100 }))).toEqual([
          -5, 0, 3, 10, 42, 100,
        ]);
        const firstPage = await store.readRecords(bucket, { order: 'desc', limit: 2, to: 42 });
        expect(keys(firstPage)).toEqual([42, 10]);
        expect(firstPage.hasMore).toBe(true);
        const second = await store.readRecords(bucket, {
          order: 'desc',
          limit: 2,
          to: 42,
          after: 10,
        });
        expect(keys(second)).toEqual([3, 0]);
        expect(second.hasMore).toBe(true);
        const last = await store.readRecords(bucket, { order: 'desc', limit: 2, to: 42, after: 0 });
        expect(keys(last)).toEqual([-5]);
        expect(last.hasMore).toBe(false);
        expect(
          keys(await store.readRecords(bucket, { order: 'asc', limit: 10, from: 0, to: 42 })),
        ).toEqual([0, 3, 10, 42]);
        expect(
          keys(await store.readRecords(bucket, { order: 'asc', limit: 2, from: 0, after: 3 })),
        ).toEqual([10, 42]);
      });

      it('orders KV keys as strings', async () => {
        const bucket = await makeBucket('KV');
        await store.upsertRecords(
          bucket,
          ['berlin', '2025', 'amsterdam', '10'].map((k) => rec(k, { 1: 1 })),
          'merge',
        );
        const page = await store.readRecords(bucket, {
          order: 'asc',
          limit: 10,
          from: '2',
          to: 'b',
        });
        expect(page.records.map((r) => r.key)).toEqual(['2025', 'amsterdam']);
      });

      it('deletes records by keys and by range, and purges', async () => {
        const bucket = await makeBucket('TSV');
        await store.upsertRecords(
          bucket,
          [1, 2, 3, 4, 5, 6].map((k) => rec(k, { 1: k })),
          'merge',
        );
        expect(await store.deleteRecords(bucket, { keys: [2, 4, 99] })).toBe(2);
        expect(await store.deleteRecords(bucket, { from: 5, to: 6 })).toBe(2);
        expect((await readAll(bucket)).map((r) => r.key)).toEqual([1, 3]);
        expect((await store.getBucket(bucket.id))?.recordCount).toBe(2);
        expect(await store.purgeRecords(bucket)).toBe(2);
        expect(await readAll(bucket)).toEqual([]);
        expect((await store.getBucket(bucket.id))?.recordCount).toBe(0);
      });

      it('trims TSV and IV buckets to retention by dropping the smallest keys', async () => {
        for (const type of ['TSV', 'IV'] as const) {
          const bucket = await makeBucket(type, 1000);
          const keys = Array.from({ length: 1005 }, (_, i) => 5000 - i);
          const result = await store.upsertRecords(
            bucket,
            keys.map((k) => rec(k, { 1: k })),
            'merge',
          );
          expect(result).toEqual({ inserted: 1005, updated: 0 });
          const kept = (await readAll(bucket)).map((r) => r.key);
          expect(kept).toHaveLength(1000);
          expect(kept[0]).toBe(4001);
          expect(kept.at(-1)).toBe(5000);
          expect((await store.getBucket(bucket.id))?.recordCount).toBe(1000);
        }
      });

      it('trims KV buckets to retention by dropping the least recently written', async () => {
        const bucket = await makeBucket('KV', 1000);
        const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
        await store.upsertRecords(
          bucket,
          keys.map((k) => rec(k, { 1: 1 })),
          'merge',
        );
        // Rewriting k0 makes it recent: k1 and k2 are then the least recently written.
        await store.upsertRecords(bucket, [rec('k0', { 1: 2 })], 'merge');
        await store.upsertRecords(bucket, [rec('new1', { 1: 1 }), rec('new2', { 1: 1 })], 'merge');
        const kept = new Set((await readAll(bucket)).map((r) => r.key));
        expect(kept.size).toBe(1000);
        expect(kept.has('k0')).toBe(true);
        expect(kept.has('k1')).toBe(false);
        expect(kept.has('k2')).toBe(false);
        expect(kept.has('new2')).toBe(true);
      });
    });

    describe('API keys', () => {
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
  });
}
