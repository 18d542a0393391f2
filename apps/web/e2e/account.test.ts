import { expect, test } from 'vitest';
import { signIn, signUp } from './flows.ts';
import { newUser, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

test('changing the password signs out every other session and retires the old password', async () => {
  const user = newUser('Paz');
  const newPassword = 'a brand new passphrase';
  const page = await harness.newPage();
  await signUp(page, user);
  // The same person on another machine, signed in before the change.
  const other = await harness.newPage();
  await other.goto('/signin');
  await signIn(other, user);
  await other.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();

  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
  const change = page.getByRole('button', { name: 'Change password' });

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill(newPassword);
  await change.click();
  await page.getByText('The current password is wrong.').waitFor();
  await expect(page.getByLabel('Current password').getAttribute('aria-invalid')).resolves.toBe(
    'true',
  );

  await page.getByLabel('Current password').fill(user.password);
  await page.getByLabel('New password').fill('short');
  await change.click();
  await page.getByText('Password too weak: use at least 10 characters.').waitFor();
  await expect(page.getByLabel('New password').getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(page.getByLabel('Current password').getAttribute('aria-invalid')).resolves.toBe(
    null,
  );
  await screenshot(page, 'account-error');

  await page.getByLabel('New password').fill(newPassword);
  await change.click();
  await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
  await expect(page.getByLabel('Current password').inputValue()).resolves.toBe('');
  await screenshot(page, 'account');

  // The other session ended; this one carries on with its new cookie.
  await other.reload();
  await other.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.goto('/');
  await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await signIn(page, user);
  await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
  await signIn(page, { ...user, password: newPassword });
  await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
});
