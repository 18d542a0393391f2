import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-scopes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('gives the keys made before scopes existed all three permissions on every bucket', async () => {
  const path = join(dir, 'upgrade.db');
  const store = await openStore(`file:${path}`);
  const owner = await store.createUser({
    email: 'ada@example.com',
    name: 'Ada',
    workspace: 'ada',
    passwordHash: 'hash',
  });
  const dashboard = await store.createDashboard({
    ownerId: owner.id,
    workspace: 'ada',
    slug: 'plant',
    name: 'Plant',
    retention: 1_000,
  });
  await store.close();
  // The schema as it was before scopes, with a key made then.
  const raw = new Database(path);
  raw.exec(`DROP TABLE activity; DROP TABLE account_events; DROP TABLE invitations;
    DROP TABLE password_resets;
    ALTER TABLE api_keys DROP COLUMN scopes; ALTER TABLE api_keys DROP COLUMN bucket_ids;
    DROP TABLE series_chunks; DROP TABLE share_links;
    DROP TABLE alert_rules; DROP TABLE alert_states; DROP TABLE alert_transitions;
    DROP TABLE contact_points; DROP TABLE alert_notifications; DROP TABLE alert_deliveries;
    DROP TABLE alert_lease; ALTER TABLE buckets DROP COLUMN sealed_through;
    ALTER TABLE buckets DROP COLUMN unsealed; ALTER TABLE buckets DROP COLUMN raw_records;
    DROP TABLE series_late; ALTER TABLE buckets DROP COLUMN late_records;
    PRAGMA user_version = 4;`);
  raw
    .prepare(
      `INSERT INTO api_keys (id, dashboard_id, name, type, hash, hint, created_at)
       VALUES ('old-key', ?, 'old', 'production', 'old-hash', 'bg_prod_abcd', 1)`,
    )
    .run(dashboard.id);
  raw.close();

  const upgraded = await openStore(`file:${path}`);
  expect(await upgraded.getApiKey('old-key')).toMatchObject({
    scopes: ['write', 'read', 'delete'],
    bucketIds: null,
  });
  await upgraded.close();
});
