import { expect, test } from 'vitest';
import { createBucket, createDashboard, signIn, signUp } from './flows.ts';
import { newUser, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

test('deep links load after a reload, and after signing in', async () => {
  const ownerUser = newUser('Dana');
  const page = await harness.newPage();
  await signUp(page, ownerUser);
  const dashboardPath = await createDashboard(page, 'Solar Roof');
  const bucketId = await createBucket(page, dashboardPath, 'Output', 'KV');
  const bucketPath = `${dashboardPath}/buckets/${bucketId}`;

  for (const path of [dashboardPath, bucketPath, `${dashboardPath}/settings`]) {
    await page.goto(path);
    await page.reload();
    await page.getByRole('heading', { name: 'Solar Roof', level: 1 }).waitFor();
  }
  await page.getByRole('heading', { name: 'Settings', level: 2 }).waitFor();

  await page.goto('/');
  await page.reload();
  await page.getByRole('link', { name: /Solar Roof/ }).waitFor();
  await screenshot(page, 'workspace');

  // Someone signed out who opens a shared link comes back to it after signing in.
  const visitor = await harness.newPage();
  await visitor.goto(bucketPath);
  await visitor.getByRole('heading', { name: 'Sign in' }).waitFor();
  await signIn(visitor, ownerUser);
  await visitor.getByRole('heading', { name: 'Output', level: 2 }).waitFor();
  expect(new URL(visitor.url()).pathname).toBe(bucketPath);

  // A person who is not a member learns nothing about the dashboard.
  const stranger = await harness.newPage();
  await signUp(stranger, newUser('Sam'));
  await stranger.goto(dashboardPath);
  await stranger
    .getByText('This dashboard does not exist, or you are not one of its members.')
    .waitFor();
});
