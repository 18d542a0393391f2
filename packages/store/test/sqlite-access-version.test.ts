import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import type { Store } from '../src/store.ts';
import { ownedDashboard } from './owned-dashboard.ts';

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-access-version-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function seeded(name: string) {
  const path = join(dir, `${name}.db`);
  const store = await openStore(`file:${path}`, { readerThreads: 0 });
  const dashboard = await ownedDashboard(store, name, 1_000);
  const bucket = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'TSV' });
  const key = await store.createApiKey({
    dashboardId: dashboard.id,
    name: 'k',
    type: 'production',
    hash: `hash-${name}`,
    hint: 'bg_prod_abc',
    createdBy: null,
    createdAt: Date.now(),
    expiresAt: null,
  });
  return { path, store, dashboard, bucket, key };
}

/** Whether `change` moved the store's access version. */
async function moves(store: Store, change: () => Promise<unknown>): Promise<boolean> {
  const before = store.accessVersion!.current();
  expect(store.accessVersion!.current()).toBe(before);
  await change();
  return store.accessVersion!.current() !== before;
}

describe('the SQLite access version', () => {
  it('moves with every change to what a key may touch, on this connection', async () => {
    const { store, dashboard, bucket, key } = await seeded('own');
    expect(
      await moves(store, () =>
        store.setApiKeyScopes(key.id, { scopes: ['read'], bucketIds: null }),
      ),
    ).toBe(true);
    expect(await moves(store, () => store.setApiKeyExpiry(key.id, Date.now() + 60_000))).toBe(true);
    expect(await moves(store, () => store.revokeApiKey(key.id, Date.now()))).toBe(true);
    expect(await moves(store, () => store.renameBucket(bucket.id, 'renamed'))).toBe(true);
    expect(
      await moves(store, () =>
        store.setBucketSeries(bucket.id, [
          { sk: 1, name: 'T', unit: '°C', color: null, decimals: null },
        ]),
      ),
    ).toBe(true);
    expect(await moves(store, () => store.updateDashboard(dashboard.id, { retention: 500 }))).toBe(
      true,
    );
    expect(await moves(store, () => store.deleteBucket(bucket.id))).toBe(true);
    expect(await moves(store, () => store.deleteDashboard(dashboard.id))).toBe(true);
    await store.close();
  });

  it('stays put through writes and uses, which change only counts', async () => {
    const { store, bucket, key } = await seeded('writes');
    const records = Array.from({ length: 50 }, (_, i) => ({ key: 1_000 + i, values: { 1: i } }));
    expect(await moves(store, () => store.upsertRecords(bucket, records, 'merge'))).toBe(false);
    expect(await moves(store, () => store.upsertRecords(bucket, records, 'replace'))).toBe(false);
    expect(await moves(store, () => store.touchApiKeys(new Map([[key.id, Date.now()]])))).toBe(
      false,
    );
    expect(await moves(store, () => store.deleteRecords(bucket, { from: 1_000, to: 1_010 }))).toBe(
      false,
    );
    while ((await store.maintain()).more);
    expect(await moves(store, async () => {})).toBe(false);
    await store.close();
  });

  it('moves when another connection commits (the admin CLI revoking a key), from the next turn of the event loop', async () => {
    const { path, store, key } = await seeded('other');
    const cli = new Database(path);
    cli.pragma('busy_timeout = 5000');
    expect(
      await moves(store, async () => {
        cli.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(Date.now(), key.id);
        await new Promise((resolve) => setImmediate(resolve));
      }),
    ).toBe(true);
    cli.close();
    expect((await store.getApiKeyByHash(key.hash))?.revokedAt).not.toBeNull();
    await store.close();
  });
});
