import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { addMember, createBucket, createDashboard, signUp } from './flows.ts';
import { newUser, postRecords, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

const oneRecord = [1, 2, 3].map((t) => ({
  key: Date.UTC(2025, 9, 20, 10, t),
  data: [{ series_key: 1, value: t }],
}));

/** Creates a key from the dialog with a permission preset; returns the key shown once. */
async function createScopedKey(
  page: Page,
  dashboardPath: string,
  name: string,
  permissions: 'Ingest only' | 'Read only' | 'Full',
): Promise<string> {
  await page.goto(`${dashboardPath}/keys`);
  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API key' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel(permissions).check();
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByRole('dialog', { name: 'API key created' });
  const key = await shown.getByLabel('Your new API key').inputValue();
  await shown.getByRole('button', { name: 'Done' }).click();
  await shown.waitFor({ state: 'hidden' });
  return key;
}

test('an ingest-only key writes and is refused reads; the Activity tab names who did what', async () => {
  const ownerUser = newUser('Odile');
  const memberUser = newUser('Milo');
  const owner = await harness.newPage();
  const member = await harness.newPage();
  await signUp(owner, ownerUser);
  await signUp(member, memberUser);
  const dashboardPath = await createDashboard(owner, 'Boilers');
  const bucketId = await createBucket(owner, dashboardPath, 'Pressure');

  // Ingest only: the write is taken, the read is refused with the missing permission.
  const ingestKey = await createScopedKey(owner, dashboardPath, 'boiler-gateway', 'Ingest only');
  expect((await postRecords(harness.url, bucketId, ingestKey, oneRecord)).status).toBe(200);
  const read = await fetch(`${harness.url}/api/buckets/${bucketId}`, {
    headers: { 'x-api-key': ingestKey },
  });
  expect(read.status).toBe(403);
  const problem = (await read.json()) as { code: string; detail: string };
  expect(problem.code).toBe('insufficient_scope');
  expect(problem.detail).toContain('read');
  // The list shows each key's scope.
  const row = owner.getByRole('row').filter({ hasText: 'boiler-gateway' });
  await row.getByRole('cell', { name: 'write', exact: true }).waitFor();

  // A full key deletes a range over REST; a member joins and is promoted.
  const fullKey = await createScopedKey(owner, dashboardPath, 'maintenance', 'Full');
  const deleted = await fetch(
    `${harness.url}/api/buckets/${bucketId}?from=${oneRecord[0]!.key}&to=${oneRecord[1]!.key}`,
    { method: 'DELETE', headers: { 'x-api-key': fullKey } },
  );
  expect(await deleted.json()).toEqual({ deleted: 2 });
  await addMember(owner, dashboardPath, memberUser.email, 'user');

  await owner.goto(dashboardPath);
  await owner.getByRole('link', { name: 'Activity' }).click();
  await owner.getByRole('heading', { name: 'Activity', level: 2 }).waitFor();
  const table = owner.getByRole('table', { name: 'Activity, newest first' });
  const entry = (action: string, target: string) =>
    table.getByRole('row').filter({ hasText: action }).filter({ hasText: target });
  await entry('Member added', memberUser.email).getByText(ownerUser.email).waitFor();
  await entry('Records deleted', 'Pressure').getByText('maintenance (bg_prod_').waitFor();
  await entry('Records deleted', 'Pressure').getByText('API key', { exact: true }).waitFor();
  await entry('API key created', 'boiler-gateway').getByText(ownerUser.email).waitFor();
  await entry('API key created', 'boiler-gateway').getByText('scopes: write').waitFor();
  await screenshot(owner, 'activity-tab');

  // Filters: only what API keys did.
  await owner.getByLabel('Actor').selectOption('apiKey');
  await table.getByRole('row').filter({ hasText: 'Member added' }).waitFor({ state: 'detached' });
  await table.getByRole('row').filter({ hasText: 'Records deleted' }).waitFor();
  const rows = await table.locator('tbody tr').allTextContents();
  expect(rows).toHaveLength(1);
  expect(rows[0]).toContain('Records deleted');
  await screenshot(owner, 'activity-tab-filtered');

  // The CSV holds what the filters select.
  await owner.getByLabel('Actor').selectOption('');
  const download = owner.waitForEvent('download');
  await owner.getByRole('button', { name: 'Download CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('activity-boilers.csv');
  const csv = await (await file.createReadStream()).toArray();
  const text = Buffer.concat(csv).toString('utf8');
  expect(text.split('\n')[0]).toContain('time,actor_type,actor');
  expect(text).toContain('records.deleted');
  expect(text).toContain(memberUser.email);

  // A plain member has no Activity tab.
  await member.goto(dashboardPath);
  await member.getByRole('link', { name: 'Members' }).waitFor();
  await expect(member.getByRole('link', { name: 'Activity' }).count()).resolves.toBe(0);
});
