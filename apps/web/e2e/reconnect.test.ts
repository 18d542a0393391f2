import { expect, test } from 'vitest';
import { addWidget, createApiKey, createBucket, createDashboard, signUp } from './flows.ts';
import { newUser, postRecords, useHarness } from './harness.ts';

const harness = useHarness();

test('a server restart keeps the page and its data, shows Reconnecting…, and recovers by itself', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Remy'));
  const dashboardPath = await createDashboard(page, 'Boiler');
  const bucketId = await createBucket(page, dashboardPath, 'Pressure', 'TSV');
  const key = await createApiKey(page, dashboardPath, 'boiler');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  const write = (value: number) =>
    postRecords(harness.url, bucketId, key, [
      { key: Date.now(), data: [{ series_key: 1, value }] },
    ]);
  await write(7);
  await page.goto(dashboardPath);
  await page.getByRole('button', { name: 'Edit' }).click();
  await addWidget(page, {
    type: 'Stat',
    title: 'Pressure now',
    bucket: 'Pressure (TSV)',
    series: ['Series 1'],
  });
  await page.getByRole('button', { name: 'Save' }).click();
  const stat = page.getByRole('region', { name: 'Pressure now', exact: true });
  await stat.getByText('7', { exact: true }).waitFor();
  const live = page.getByRole('status').filter({ hasText: /^(Live|Reconnecting…)$/ });
  await live.filter({ hasText: 'Live' }).waitFor();

  await harness.restartServer(async () => {
    await live.filter({ hasText: 'Reconnecting…' }).waitFor();
    // A refetch while the server is away fails; the page keeps what it shows.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await stat.getByText('7', { exact: true }).waitFor();
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { name: 'Boiler', level: 1 }).isVisible()).resolves.toBe(
      true,
    );
  });

  // Back by itself; a write made after the restart arrives live.
  await live.filter({ hasText: 'Live' }).waitFor({ timeout: 20_000 });
  await expect(write(8)).resolves.toMatchObject({ status: 200 });
  await stat.getByText('8', { exact: true }).waitFor();
  // Chromium logs the cut stream and the requests made while the server was away: the only
  // errors this test expects, and no page error among them.
  for (const error of harness.takeErrors()) {
    expect(error).toMatch(/^console error: Failed to load resource: net::ERR_/);
  }
});
