import { expect, test } from 'vitest';
import { createApiKey, createBucket, createDashboard, openKey, signUp } from './flows.ts';
import { newUser, postRecords, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

const oneRecord = [{ key: Date.UTC(2025, 9, 20), data: [{ series_key: 1, value: 1 }] }];

test('the show-once dialog never comes back: not after closing, reloading or reopening', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Kim'));
  const dashboardPath = await createDashboard(page, 'Weather');
  await createBucket(page, dashboardPath, 'Rain');
  const key = await createApiKey(page, dashboardPath, 'station-1', 'Development');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  await expect(page.content()).resolves.not.toContain(key);

  await page.reload();
  await page.getByRole('link', { name: 'station-1' }).waitFor();
  await expect(page.getByRole('dialog').count()).resolves.toBe(0);
  await expect(page.content()).resolves.not.toContain(key);

  await openKey(page, dashboardPath, 'station-1');
  await page
    .getByText(`${key.slice(0, 11)}…`)
    .first()
    .waitFor();
  await expect(page.content()).resolves.not.toContain(key);

  // Opening Create again starts a new key; the old one is gone from the browser for good.
  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API key' });
  await expect(dialog.getByLabel('Name').inputValue()).resolves.toBe('');
  await expect(page.content()).resolves.not.toContain(key);
});

test('roll shows the new key once and the list marks the old one with its expiry', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Rolf'));
  const dashboardPath = await createDashboard(page, 'Factory');
  const bucketId = await createBucket(page, dashboardPath, 'Line speed');
  const oldKey = await createApiKey(page, dashboardPath, 'plc-gateway');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

  await openKey(page, dashboardPath, 'plc-gateway');
  await page.getByRole('tab', { name: 'Roll' }).click();
  await page.getByLabel('24 hours').check();
  await page.getByRole('button', { name: 'Roll key' }).click();
  const rolled = page.getByRole('dialog', { name: 'Key rolled' });
  const newKey = await rolled.getByLabel('Your new API key').inputValue();
  expect(newKey).toMatch(/^bg_prod_/);
  expect(newKey).not.toBe(oldKey);
  await rolled.getByText('keeps working until').waitFor();
  await rolled.getByRole('button', { name: 'Done' }).click();
  await rolled.waitFor({ state: 'hidden' });
  await expect(page.content()).resolves.not.toContain(newKey);

  const rows = page.getByRole('row').filter({ hasText: 'plc-gateway' });
  await expect.poll(() => rows.count()).toBe(2);
  const oldRow = rows.filter({ hasText: oldKey.slice(0, 12) });
  const newRow = rows.filter({ hasText: newKey.slice(0, 12) });
  await oldRow.getByText('expires in 24 hours').waitFor();
  await newRow.getByText('Active').waitFor();
  await expect(newRow.getByText(/expires/).count()).resolves.toBe(0);
  await screenshot(page, 'api-keys-list');

  // Both work during the grace period.
  for (const key of [oldKey, newKey]) {
    await expect(postRecords(harness.url, bucketId, key, oneRecord)).resolves.toMatchObject({
      status: 200,
    });
  }
  await page.reload();
  await rows.first().waitFor();
  await expect(page.getByRole('dialog').count()).resolves.toBe(0);
});

test('rolling with no grace revokes the old key at once', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Nora'));
  const dashboardPath = await createDashboard(page, 'Lab');
  const bucketId = await createBucket(page, dashboardPath, 'Samples', 'IV');
  const oldKey = await createApiKey(page, dashboardPath, 'bench');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

  await openKey(page, dashboardPath, 'bench');
  await page.getByRole('tab', { name: 'Roll' }).click();
  await page.getByLabel('Stop the old key now').check();
  await page.getByRole('button', { name: 'Roll key' }).click();
  const rolled = page.getByRole('dialog', { name: 'Key rolled' });
  await rolled.getByText('was revoked').waitFor();
  await rolled.getByRole('button', { name: 'Done' }).click();
  await page
    .getByRole('row')
    .filter({ hasText: oldKey.slice(0, 12) })
    .getByText('Revoked')
    .waitFor();
  const refused = await postRecords(harness.url, bucketId, oldKey, [
    { key: 1, data: [{ series_key: 1, value: 1 }] },
  ]);
  expect(refused).toMatchObject({ status: 401, body: { code: 'revoked_api_key' } });
});
