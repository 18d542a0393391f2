import { openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, expect, it } from 'vitest';
import { AccessCache } from '../src/ingest/access-cache.ts';
import { provision } from './helpers.ts';

const database = createTestDatabase('access-cache');
afterAll(() => database.destroy());

/** The store, counting the lookups that reach it. */
function counted(store: Store) {
  const calls = { keys: 0, buckets: 0 };
  return {
    calls,
    store: {
      accessVersion: store.accessVersion,
      getApiKeyByHash: (hash: string) => {
        calls.keys++;
        return store.getApiKeyByHash(hash);
      },
      getBucket: (id: string) => {
        calls.buckets++;
        return store.getBucket(id);
      },
    },
  };
}

it('holds what exists, never a miss, and no more than its bound (ids that are not there cannot grow it)', async () => {
  const store = await openStore(database.url);
  const made = await Promise.all([1, 2, 3].map(() => provision(store, 'TSV')));
  const { calls, store: countedStore } = counted(store);
  const cache = new AccessCache(countedStore, 2);

  expect(await cache.getBucket(made[0]!.bucket.id)).toMatchObject({ id: made[0]!.bucket.id });
  expect(await cache.getBucket(made[0]!.bucket.id)).not.toHaveProperty('recordCount');
  expect(calls.buckets).toBe(1);
  // Unknown ids are looked up every time: guessing ids fills nothing.
  for (let i = 0; i < 5; i++) expect(await cache.getBucket(`missing-${i % 2}`)).toBeNull();
  expect(calls.buckets).toBe(6);
  expect(await cache.getBucket(made[0]!.bucket.id)).not.toBeNull();
  expect(calls.buckets).toBe(6);
  // Past its bound it starts again empty.
  await cache.getBucket(made[1]!.bucket.id);
  await cache.getBucket(made[2]!.bucket.id);
  await cache.getBucket(made[0]!.bucket.id);
  expect(calls.buckets).toBe(9);

  // A key, without its last use; revoking it is seen at once.
  const key = await cache.getApiKeyByHash(made[0]!.apiKey.hash);
  expect(key).toMatchObject({ id: made[0]!.apiKey.id, revokedAt: null });
  expect(key).not.toHaveProperty('lastUsedAt');
  await store.revokeApiKey(made[0]!.apiKey.id, Date.now());
  expect((await cache.getApiKeyByHash(made[0]!.apiKey.hash))?.revokedAt).not.toBeNull();
  expect(calls.keys).toBe(2);
  await store.close();
});
