import { openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase, type TestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';

/**
 * For tests of the hub itself under a simulated clock: a store on a real SQLite file for the
 * file's tests (the hub re-checks access in it), and fake timers and `performance` in each
 * test, so what is checked is which events reach which views, never how long anything took.
 * Returns the store, opened once the file's tests start.
 */
export function storeUnderFakeClock(name: string): () => Store {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = createTestDatabase(name);
    store = await openStore(database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.destroy();
  });
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return () => store;
}
