import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { addMember, createDashboard, signUp } from './flows.ts';
import { newUser, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

const options = (page: Page, label: string) =>
  page.getByLabel(label, { exact: true }).locator('option').allTextContents();

test('member role changes offer only what the viewer’s own role allows', async () => {
  const ownerUser = newUser('Owen');
  const adminUser = newUser('Ada');
  const plainUser = newUser('Uma');
  const owner = await harness.newPage();
  const admin = await harness.newPage();
  const user = await harness.newPage();
  await signUp(owner, ownerUser);
  await signUp(admin, adminUser);
  await signUp(user, plainUser);
  const dashboardPath = await createDashboard(owner, 'Fleet');

  // An owner may grant every role, owners included.
  await addMember(owner, dashboardPath, adminUser.email, 'admin');
  await addMember(owner, dashboardPath, plainUser.email, 'user');
  const addForm = owner.getByRole('form', { name: 'Add a member' });
  await expect(addForm.getByLabel('Role').locator('option').allTextContents()).resolves.toEqual([
    'User',
    'Admin',
    'Owner',
  ]);
  await expect(options(owner, 'Role of Uma')).resolves.toEqual(['User', 'Admin', 'Owner']);

  // The only owner can neither step down nor leave (the server would refuse: last_owner).
  const ownRow = owner.getByRole('row').filter({ hasText: ownerUser.email });
  await ownRow.getByText('You are the only owner').waitFor();
  await expect(ownRow.getByRole('combobox').count()).resolves.toBe(0);
  await expect(ownRow.getByRole('button').count()).resolves.toBe(0);
  await screenshot(owner, 'members-only-owner');

  // An admin grants up to admin and cannot touch the owner.
  await admin.goto(`${dashboardPath}/members`);
  const adminForm = admin.getByRole('form', { name: 'Add a member' });
  await adminForm.waitFor();
  await expect(adminForm.getByLabel('Role').locator('option').allTextContents()).resolves.toEqual([
    'User',
    'Admin',
  ]);
  await expect(options(admin, 'Role of Uma')).resolves.toEqual(['User', 'Admin']);
  const ownerRow = admin.getByRole('row').filter({ hasText: ownerUser.email });
  await ownerRow.getByText('Owner').waitFor();
  await expect(ownerRow.getByRole('combobox').count()).resolves.toBe(0);
  await expect(ownerRow.getByRole('button').count()).resolves.toBe(0);

  // A user sees the members and may only leave.
  await user.goto(`${dashboardPath}/members`);
  await user.getByRole('row').filter({ hasText: ownerUser.email }).waitFor();
  await expect(user.getByRole('form', { name: 'Add a member' }).count()).resolves.toBe(0);
  await expect(user.getByRole('combobox').count()).resolves.toBe(0);
  await expect(user.getByRole('button', { name: /^Remove/ }).count()).resolves.toBe(0);
  await user.getByRole('button', { name: 'Leave this dashboard' }).waitFor();

  // The admin's change sticks: the user becomes an admin.
  const saved = admin.waitForResponse((response) => response.url().includes('members.setRole'));
  await admin.getByLabel('Role of Uma', { exact: true }).selectOption('admin');
  expect((await saved).status()).toBe(200);
  await admin.reload();
  await expect(admin.getByLabel('Role of Uma', { exact: true }).inputValue()).resolves.toBe(
    'admin',
  );

  // With a second owner, the first may change their role or leave again.
  await owner.getByLabel('Role of Ada', { exact: true }).selectOption('owner');
  await ownRow.getByLabel('Role of Owen', { exact: true }).waitFor();
  await ownRow.getByRole('button', { name: 'Leave this dashboard' }).waitFor();
  await expect(ownRow.getByText('You are the only owner').count()).resolves.toBe(0);

  // Removing someone asks first; Cancel keeps them.
  const removeUma = owner.getByRole('button', { name: 'Remove Uma' });
  const removeDialog = owner.getByRole('dialog', { name: 'Remove member' });
  await removeUma.click();
  await removeDialog.getByText('will lose access to').waitFor();
  await removeDialog.getByRole('button', { name: 'Cancel' }).click();
  await removeDialog.waitFor({ state: 'hidden' });
  await removeUma.click();
  await removeDialog.getByRole('button', { name: 'Remove member' }).click();
  await removeDialog.waitFor({ state: 'hidden' });
  await owner.getByRole('row').filter({ hasText: plainUser.email }).waitFor({ state: 'detached' });
});
