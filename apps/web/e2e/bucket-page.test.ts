import { expect, test } from 'vitest';
import { createApiKey, createBucket, createDashboard, nameSeries, signUp } from './flows.ts';
import { expectFitsViewport, newUser, postRecords, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

const T0 = Date.UTC(2025, 9, 20, 10, 0, 0);
const MINUTE = 60_000;

test('the bucket page deletes a range, chosen keys and keys sent in seconds, naming what goes', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Ines'));
  // Times in UTC, so the test can type them.
  await page.evaluate(() => localStorage.setItem('bucketgrid.timeZone', 'utc'));
  const dashboardPath = await createDashboard(page, 'Utilities');
  const bucketId = await createBucket(page, dashboardPath, 'Meter', 'TSV');
  const key = await createApiKey(page, dashboardPath, 'meter');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  const records = Array.from({ length: 10 }, (_, i) => ({
    key: T0 + i * MINUTE,
    data: [{ series_key: 1, value: i }],
  }));
  // One record whose time was sent in seconds: January 1970 in milliseconds.
  records.push({ key: 1796045000, data: [{ series_key: 1, value: 99 }] });
  await expect(postRecords(harness.url, bucketId, key, records)).resolves.toMatchObject({
    status: 200,
  });

  await page.goto(`${dashboardPath}/buckets/${bucketId}`);
  await nameSeries(page, [{ sk: 1, name: 'Energy', unit: 'kWh' }]);
  await page.getByRole('list', { name: 'Legend' }).getByText('Energy').waitFor();
  await page.getByRole('columnheader', { name: 'Energy (kWh)' }).waitFor();

  // The hint finds the record sent in seconds; one click shows it, one more deletes it.
  const hint = page.getByRole('note').filter({ hasText: 'Sent seconds instead of milliseconds?' });
  await hint.getByText('1 record has keys before 2001').waitFor();
  await hint.getByRole('button', { name: 'Show them' }).click();
  await page.getByText(/^Zoomed to 1970-01-21 /).waitFor();
  await hint.getByRole('button', { name: 'Delete them…' }).click();
  const rangeDialog = page.getByRole('dialog', { name: 'Delete a range of records' });
  await rangeDialog
    .getByText(/This deletes 1 record of Meter with keys from 1970-01-21 /)
    .waitFor();
  await rangeDialog.getByRole('button', { name: 'Delete 1 record' }).click();
  await rangeDialog.waitFor({ state: 'hidden' });
  await hint.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Show everything' }).click();
  await page.getByRole('img', { name: 'Line chart: 10 records · 1 series' }).waitFor();

  // Chosen keys: tick two rows, and the confirmation names them.
  const table = page.getByRole('table', { name: 'Records' });
  await table.getByRole('checkbox', { name: 'Select 2025-10-20 10:09:00' }).check();
  await table.getByRole('checkbox', { name: 'Select 2025-10-20 10:08:00' }).check();
  await page.getByRole('button', { name: 'Delete 2 selected…' }).click();
  const keysDialog = page.getByRole('dialog', { name: 'Delete selected records' });
  await keysDialog.getByText('2025-10-20 10:09:00').waitFor();
  await keysDialog.getByRole('button', { name: 'Delete 2 records' }).click();
  await keysDialog.waitFor({ state: 'hidden' });
  await page.getByRole('img', { name: 'Line chart: 8 records · 1 series' }).waitFor();

  // A typed range: from 10:00 to 10:02, both included.
  await page.getByRole('button', { name: 'Delete a range…' }).click();
  await rangeDialog.getByLabel('From (UTC)').fill('2025-10-20T10:00:00');
  await rangeDialog.getByLabel('To (UTC)').fill('2025-10-20T10:02:00');
  await rangeDialog
    .getByText(
      'This deletes 3 records of Meter with keys from 2025-10-20 10:00:00 to 2025-10-20 10:02:00 UTC',
    )
    .waitFor();
  await rangeDialog.getByRole('button', { name: 'Delete 3 records' }).click();
  await rangeDialog.waitFor({ state: 'hidden' });
  await page.getByRole('img', { name: 'Line chart: 5 records · 1 series' }).waitFor();

  // A range selected on the chart offers zoom and delete, and says what it would delete.
  const chart = page.locator('.uplot .u-over');
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  const selected = page.getByRole('region', { name: 'Selected range' });
  await selected.getByRole('button', { name: 'Delete this range…' }).click();
  await rangeDialog.getByRole('button', { name: /^Delete [45] records?$/ }).waitFor();
  await rangeDialog.getByRole('button', { name: 'Cancel' }).click();
  await screenshot(page, 'bucket-page');

  // At phone width: tabs wrap instead of being cut, the page never scrolls sideways, and the
  // curl block's Copy button sits beside the command, not over it.
  await page.setViewportSize({ width: 390, height: 844 });
  const tabs = page.getByRole('navigation', { name: 'Dashboard sections' }).getByRole('link');
  for (const tab of await tabs.all()) {
    const tabBox = (await tab.boundingBox())!;
    expect(tabBox.x + tabBox.width).toBeLessThanOrEqual(390);
  }
  await expectFitsViewport(page);
  const empty = await createBucket(page, dashboardPath, 'Empty', 'KV');
  expect(empty).toBeTruthy();
  const copy = await page.getByRole('button', { name: 'Copy curl command' }).boundingBox();
  const command = await page
    .getByLabel('curl command', { exact: true })
    .locator('pre')
    .boundingBox();
  expect(copy!.y + copy!.height).toBeLessThanOrEqual(command!.y + 1);
  await screenshot(page, 'bucket-page-phone');
});

test('lowering retention says how many records each bucket loses, then trims', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Rhea'));
  const dashboardPath = await createDashboard(page, 'Archive');
  const big = await createBucket(page, dashboardPath, 'Big', 'IV');
  await createBucket(page, dashboardPath, 'Small', 'IV');
  const key = await createApiKey(page, dashboardPath, 'loader');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  const records = Array.from({ length: 1500 }, (_, i) => ({
    key: i,
    data: [{ series_key: 1, value: i }],
  }));
  await expect(postRecords(harness.url, big, key, records)).resolves.toMatchObject({ status: 200 });

  await page.goto(`${dashboardPath}/settings`);
  await page.getByLabel('Retention').selectOption('1000');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const dialog = page.getByRole('dialog', { name: 'Lower the retention?' });
  await dialog.getByText('Big loses 500 of 1,500').waitFor();
  await expect(dialog.getByText('Small loses').count()).resolves.toBe(0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByLabel('Retention').inputValue()).resolves.toBe('1000');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await dialog.getByRole('button', { name: 'Lower it and delete 500 records' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

  // The server trims in the background; the bucket list shows it without a reload.
  await page
    .getByRole('navigation', { name: 'Dashboard sections' })
    .getByRole('link', { name: 'Buckets' })
    .click();
  await page
    .getByRole('row')
    .filter({ hasText: 'Big' })
    .getByRole('cell', { name: '1,000', exact: true })
    .waitFor();
});
