import { AppError } from '@bucketgrid/shared';
import { openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase, type TestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser } from '../src/accounts.ts';
import { createApiKey, revokeApiKey, rollApiKey } from '../src/api-keys.ts';
import { createBucket } from '../src/buckets.ts';
import { createDashboard } from '../src/dashboards.ts';
import { QUOTAS, trimSessions } from '../src/quotas.ts';

// Bounded work (a few hundred inserts) on a real database; slow only on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

let database: TestDatabase;
let store: Store;
beforeAll(async () => {
  database = createTestDatabase('quotas');
  store = await openStore(database.url);
});
afterAll(async () => {
  await store.close();
  await database.destroy();
});

let users = 0;
const user = () =>
  createUser(store, {
    email: `quota${++users}@example.com`,
    password: 'correct horse battery',
    name: 'Q',
  });

/** The AppError `work` throws (the test fails if it throws none). */
async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('quotas per account', () => {
  it('dashboards per owner: all at once, as a tRPC batch sends them, and one more is refused', async () => {
    const owner = await user();
    const results = await Promise.allSettled(
      Array.from({ length: QUOTAS.dashboardsPerAccount + 5 }, (_, i) =>
        createDashboard(store, { ownerId: owner.id, name: `D${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(
      QUOTAS.dashboardsPerAccount,
    );
    const error = await refusal(createDashboard(store, { ownerId: owner.id, name: 'more' }));
    expect(error.code).toBe('quota_exceeded');
    expect(error.message).toBe(
      `This account owns ${QUOTAS.dashboardsPerAccount} dashboards, the most it may: delete one it no longer needs first.`,
    );
    // Another account is not affected.
    await createDashboard(store, { ownerId: (await user()).id, name: 'mine' });
  });

  it('buckets per dashboard', async () => {
    const owner = await user();
    const { id: dashboardId } = await createDashboard(store, { ownerId: owner.id, name: 'B' });
    await Promise.all(
      Array.from({ length: QUOTAS.bucketsPerDashboard }, (_, i) =>
        createBucket(store, { dashboardId, name: `b${i}`, type: 'IV' }),
      ),
    );
    const error = await refusal(createBucket(store, { dashboardId, name: 'more', type: 'IV' }));
    expect(error.code).toBe('quota_exceeded');
    expect(error.message).toContain(`This dashboard has ${QUOTAS.bucketsPerDashboard} buckets`);
  });

  it('active API keys per dashboard: revoking one makes room, rolling one needs none', async () => {
    const owner = await user();
    const { id: dashboardId } = await createDashboard(store, { ownerId: owner.id, name: 'K' });
    const now = Date.now();
    const create = () =>
      createApiKey(store, { dashboardId, name: 'k', type: 'production', createdBy: null }, now);
    const keys = [];
    for (let i = 0; i < QUOTAS.apiKeysPerDashboard; i++) keys.push(await create());
    const error = await refusal(create());
    expect(error.code).toBe('quota_exceeded');
    expect(error.message).toContain(`${QUOTAS.apiKeysPerDashboard} active API keys`);
    await rollApiKey(store, keys[0]!.apiKey, 'none', null, now);
    await revokeApiKey(store, keys[1]!.apiKey, now);
    await create();
  });

  it('sessions per user: the ones idle longest end', async () => {
    const owner = await user();
    for (let i = 0; i < QUOTAS.sessionsPerUser + 5; i++) {
      await store.createSession({ id: `s${owner.id}-${i}`, userId: owner.id, expiresAt: 1e13 + i });
      await trimSessions(store, owner.id);
    }
    const left = await store.listUserSessions(owner.id);
    expect(left).toHaveLength(QUOTAS.sessionsPerUser);
    expect(left.map((session) => session.expiresAt).sort()).toEqual(
      Array.from({ length: QUOTAS.sessionsPerUser }, (_, i) => 1e13 + 5 + i),
    );
  });
});
