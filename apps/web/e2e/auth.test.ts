import { expect, test } from 'vitest';
import { signIn } from './flows.ts';
import { newUser, useHarness } from './harness.ts';

// Sign-in throttling counts failures in fixed 15-minute windows. The server's clock stands
// still at the start of one, so the five failures share it and the wait is exactly 15 minutes.
const WINDOW_MS = 15 * 60_000;
const frozenAt = Date.now() - (Date.now() % WINDOW_MS);

const harness = useHarness({ now: () => frozenAt });

test('sign-up and sign-in say what went wrong', async () => {
  const page = await harness.newPage();
  const user = newUser('Eve');
  await page.goto('/signup');
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('Password too weak: use at least 10 characters.').waitFor();
  await expect(page.getByLabel('Password').getAttribute('aria-invalid')).resolves.toBe('true');
  // Long enough but common: the server's estimator says why, and the form shows its words.
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page
    .getByText('Password too weak: this is a commonly used password.', { exact: false })
    .waitFor();

  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();

  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Name').fill('Eve again');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('An account with this email exists; sign in instead.').waitFor();

  await page.getByRole('link', { name: 'Sign in' }).click();
  // The router renders the next page in a transition: filling before it shows would type
  // into the sign-up page's fields.
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  for (let attempt = 1; attempt <= 5; attempt++) {
    await signIn(page, { ...user, password: `wrong password ${attempt}` });
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
  }
  await signIn(page, user);
  await page.getByText('Too many attempts. Try again in 15 minutes.').waitFor();
  await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
});

test('the first page after signing up renders without a React error', async () => {
  // Signing up used to return early from the sign-up page before one of its hooks, so React
  // 19's production build logged error #300 ("rendered fewer hooks than expected").
  const page = await harness.newPage();
  await page.goto('/signup');
  const user = newUser('Fay');
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
  expect(harness.takeErrors()).toEqual([]);
});
