import { afterAll, describe, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import type { Store } from '../src/store.ts';
import { runStoreContract } from './contract.ts';
import { createTestDatabase, mongoUri, type TestDatabase } from './test-database.ts';

/*
 * The shared store contract against MongoDB. It needs a server that can run transactions
 * (a replica set, single-node is fine), which cannot run on the build machines, so the suite
 * runs only when MONGODB_URI names one, e.g.
 *   MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' pnpm --filter @bucketgrid/store test
 * (CI does: .github/workflows/ci.yml). Each store gets a database of its own, dropped when
 * the file is done.
 */

if (mongoUri) {
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];

  runStoreContract('mongodb', async () => {
    const database = createTestDatabase('contract');
    databases.push(database);
    const store = await openStore(database.url);
    stores.push(store);
    return store;
  });

  afterAll(async () => {
    await Promise.allSettled(stores.map((store) => store.close()));
    for (const database of databases) await database.destroy();
  });
} else {
  console.warn('MongoDB store contract suite SKIPPED: set MONGODB_URI to run it');
  describe.skip('mongodb store contract (MONGODB_URI not set)', () => {
    it('runs the shared store contract against MongoDB', () => {});
  });
}
