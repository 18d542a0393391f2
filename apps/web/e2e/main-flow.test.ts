import { expect, test } from 'vitest';
import {
  addMember,
  createApiKey,
  createBucket,
  createDashboard,
  openKey,
  signUp,
} from './flows.ts';
import { expectFitsViewport, newUser, postRecords, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

const T0 = Date.UTC(2025, 9, 20, 10, 0, 0);
const records = [0, 1, 2].map((i) => ({
  key: T0 + i * 60_000,
  data: [
    { series_key: 1, value: 25.5 + i },
    { series_key: 2, value: 40 - i * 2.25 },
  ],
}));

test('owner sets up a live dashboard, shares it read-only, and revokes its key', async () => {
  const owner = await harness.newPage();
  const ownerUser = newUser('Olivia');
  await signUp(owner, ownerUser);
  const dashboardPath = await createDashboard(owner, 'Greenhouse');
  const bucketId = await createBucket(owner, dashboardPath, 'Temperature', 'TSV');
  const bucketPath = `${dashboardPath}/buckets/${bucketId}`;
  await owner.getByRole('heading', { name: 'No records yet' }).waitFor();
  await expect(owner.getByLabel('curl command', { exact: true }).textContent()).resolves.toContain(
    bucketId,
  );

  const key = await createApiKey(owner, dashboardPath, 'greenhouse-sensor');
  const shown = owner.getByRole('dialog', { name: 'API key created' });
  await expect(shown.getByText('it will not be shown again').isVisible()).resolves.toBe(true);
  await expect(shown.getByLabel('curl example', { exact: true }).textContent()).resolves.toContain(
    key,
  );
  await shown.getByRole('button', { name: 'Copy key' }).click();
  await shown.getByRole('button', { name: 'Copied ✓' }).waitFor();
  await expect(owner.evaluate(() => navigator.clipboard.readText())).resolves.toBe(key);
  await screenshot(owner, 'show-once-dialog');
  await shown.getByRole('button', { name: 'Done' }).click();
  await shown.waitFor({ state: 'hidden' });

  // To the bucket by clicking through, then prove the records arrive without a reload.
  await owner.getByRole('link', { name: 'Buckets' }).click();
  await owner.getByRole('link', { name: 'Temperature' }).click();
  await owner.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  await owner.evaluate(() => {
    (window as unknown as { stayedOnPage: boolean }).stayedOnPage = true;
  });
  const written = await postRecords(harness.url, bucketId, key, records);
  expect(written).toEqual({ status: 200, body: { written: 3, inserted: 3, updated: 0 } });

  await owner.getByRole('img', { name: 'Line chart: 3 records · 2 series' }).waitFor();
  const table = owner.getByRole('table', { name: 'Records' });
  await table.getByRole('cell', { name: '27.5' }).waitFor();
  await expect(table.getByRole('row').count()).resolves.toBe(4);
  await expect(table.getByRole('row').nth(1).textContent()).resolves.toContain('35.5');
  await expect(
    owner.evaluate(() => (window as unknown as { stayedOnPage?: boolean }).stayedOnPage),
  ).resolves.toBe(true);
  expect(owner.url()).toContain(bucketPath);
  await screenshot(owner, 'bucket-chart');

  // A second person, added as `user`, sees the data but no key management.
  const viewer = await harness.newPage();
  const viewerUser = newUser('Victor');
  await signUp(viewer, viewerUser);
  await addMember(owner, dashboardPath, viewerUser.email, 'user');

  // The owner shares the dashboard's address.
  await viewer.goto(dashboardPath);
  await viewer.getByRole('heading', { name: 'Greenhouse', level: 1 }).waitFor();
  const viewerTabs = viewer.getByRole('navigation', { name: 'Dashboard sections' });
  await viewerTabs.getByRole('link', { name: 'Members' }).waitFor();
  await expect(viewerTabs.getByRole('link').allTextContents()).resolves.toEqual([
    'Dashboard',
    'Buckets',
    'Members',
    'Alerts',
  ]);
  await viewer.setViewportSize({ width: 390, height: 844 });
  await viewerTabs.getByRole('link', { name: 'Buckets' }).click();
  await viewer.getByRole('link', { name: 'Temperature' }).click();
  await viewer.getByRole('img', { name: 'Line chart: 3 records · 2 series' }).waitFor();
  await viewer
    .getByRole('table', { name: 'Records' })
    .getByRole('cell', { name: '25.5' })
    .waitFor();
  // At phone width nothing pushes the page sideways (wide tables scroll in their own box).
  await expectFitsViewport(viewer);
  await screenshot(viewer, 'bucket-chart-phone');
  await expect(viewer.getByRole('button', { name: 'Delete bucket' }).count()).resolves.toBe(0);
  await viewer.goto(`${dashboardPath}/keys`);
  await viewer.getByRole('heading', { name: 'Owners and admins only' }).waitFor();
  await expect(viewer.getByRole('button', { name: 'Create API key' }).count()).resolves.toBe(0);

  // The owner revokes the key in the Danger tab, confirming with its name.
  await openKey(owner, dashboardPath, 'greenhouse-sensor');
  await owner.getByRole('tab', { name: 'Danger' }).click();
  const revoke = owner.getByRole('button', { name: 'Revoke key' });
  await expect(revoke.isDisabled()).resolves.toBe(true);
  await owner.getByLabel('Type greenhouse-sensor to confirm').fill('greenhouse-sensor');
  await expect(revoke.isEnabled()).resolves.toBe(true);
  await screenshot(owner, 'danger-tab');
  await revoke.click();
  await owner.getByText('This key was revoked on').waitFor();
  await owner.getByRole('table').getByText('Revoked').waitFor();

  const refused = await postRecords(harness.url, bucketId, key, records);
  expect(refused.status).toBe(401);
  expect(refused.body.code).toBe('revoked_api_key');
});
