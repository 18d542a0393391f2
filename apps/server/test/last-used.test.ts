import { openStore, withDeadline } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, expect, it } from 'vitest';
import { LastUsedTracker } from '../src/ingest/last-used.ts';
import { provision } from './helpers.ts';
import { stallingStore } from './stalling-store.ts';

const database = createTestDatabase('last-used');
afterAll(() => database.destroy());

it("keeps a batch of last-used times the store could not take, and writes it on the next flush (the timer's failures are reported, never thrown)", async () => {
  const real = await openStore(database.url);
  const { apiKey } = await provision(real, 'TSV');
  const faults = stallingStore(real);
  const failures: unknown[] = [];
  const tracker = new LastUsedTracker(
    withDeadline(faults.store, 100),
    (error) => failures.push(error),
    50,
  );
  tracker.note(apiKey.id, 1_000);
  faults.stall();
  // Ticks of the timer fail while the store stalls: reported, and the time stays pending.
  await expect.poll(() => failures.length).toBeGreaterThanOrEqual(2);
  expect((failures[0] as Error).name).toBe('StoreUnavailable');
  tracker.note(apiKey.id, 2_000);
  faults.resume();
  await tracker.stop();
  expect((await real.getApiKey(apiKey.id))?.lastUsedAt).toBe(2_000);
  await real.close();
});
