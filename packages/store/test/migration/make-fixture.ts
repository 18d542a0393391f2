/**
 * Writes the migration test's database on the layout of the checkout it runs in (run it on
 * the layout to migrate from): `node --import tsx test/migration/make-fixture.ts` in
 * packages/store. Leaves main-layout.db.gz and main-layout.json beside this file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openStore } from '../../src/open-store.ts';
import { FIXTURE_BUCKETS, fillFixture, fixtureReads } from './fixture.ts';

const here = new URL('.', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-fixture-'));
try {
  const path = join(dir, 'main.db');
  const store = await openStore(`file:${path}`, { readerThreads: 0 });
  const user = await store.createUser({
    email: 'fixture@example.com',
    name: 'Fixture',
    workspace: 'fixture',
    passwordHash: 'x',
  });
  const dashboard = await store.createDashboard({
    ownerId: user.id,
    workspace: 'fixture',
    slug: 'fixture',
    name: 'Fixture',
    retention: 100_000,
  });
  const types = { tsv: 'TSV', iv: 'IV', kv: 'KV' } as const;
  const buckets = Object.fromEntries(
    await Promise.all(
      FIXTURE_BUCKETS.map(async (name) => [
        name,
        await store.createBucket({ dashboardId: dashboard.id, name, type: types[name] }),
      ]),
    ),
  );
  await fillFixture(store, buckets);
  // Upkeep only part way: some figures built, some cells still dirty, as a running server has.
  for (let step = 0; step < 3; step++) await store.maintain(Date.now() + 60_000);
  const reads = await fixtureReads(store, buckets);
  await store.close();
  writeFileSync(join(here, 'main-layout.db.gz'), gzipSync(readFileSync(path), { level: 9 }));
  writeFileSync(
    join(here, 'main-layout.json'),
    `${JSON.stringify({ buckets: Object.fromEntries(FIXTURE_BUCKETS.map((n) => [n, buckets[n]!.id])), reads }, null, 2)}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
