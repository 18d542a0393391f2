import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestUser } from './harness.ts';

/** Steps a person takes in the app, shared by the browser tests. */

export async function signUp(page: Page, user: TestUser): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
}

export async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The workspace page, through the header's home link (as a person gets there). */
export async function goToWorkspace(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
}

/** Creates a dashboard from the workspace page; returns its path (`/workspace/slug`). */
export async function createDashboard(page: Page, name: string): Promise<string> {
  await goToWorkspace(page);
  await page.getByLabel('Dashboard name').fill(name);
  await page.getByRole('button', { name: 'Create dashboard' }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  return new URL(page.url()).pathname;
}

/** Creates a bucket on the dashboard's Buckets tab; returns its id. */
export async function createBucket(
  page: Page,
  dashboardPath: string,
  name: string,
  type: 'TSV' | 'KV' | 'IV' = 'TSV',
): Promise<string> {
  await page.goto(`${dashboardPath}/buckets`);
  await page.getByLabel('Bucket name').fill(name);
  await page.getByLabel('Type').selectOption(type);
  await page.getByRole('button', { name: 'Create bucket' }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
  const bucketId = new URL(page.url()).pathname.split('/').at(-1);
  expect(bucketId).toBeTruthy();
  return bucketId!;
}

/** Creates a key on the API Keys tab and reads it from the show-once dialog (left open). */
export async function createApiKey(
  page: Page,
  dashboardPath: string,
  name: string,
  type: 'Production' | 'Development' = 'Production',
): Promise<string> {
  await page.goto(`${dashboardPath}/keys`);
  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API key' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel(type).check();
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByRole('dialog', { name: 'API key created' });
  const key = await shown.getByLabel('Your new API key').inputValue();
  expect(key).toMatch(
    type === 'Production' ? /^bg_prod_[A-Za-z0-9]{38}$/ : /^bg_dev_[A-Za-z0-9]{38}$/,
  );
  return key;
}

/** Opens a key's detail from the list (the first row with that name and hint). */
export async function openKey(page: Page, dashboardPath: string, name: string): Promise<void> {
  await page.goto(`${dashboardPath}/keys`);
  await page.getByRole('link', { name, exact: true }).first().click();
  await page.getByRole('heading', { name, level: 3 }).waitFor();
}

/** Adds a member on the Members tab and waits for their row. */
export async function addMember(
  page: Page,
  dashboardPath: string,
  email: string,
  role: 'user' | 'admin' | 'owner',
): Promise<void> {
  await page.goto(`${dashboardPath}/members`);
  const form = page.getByRole('form', { name: 'Add a member' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption(role);
  await form.getByRole('button', { name: 'Add member' }).click();
  await page.getByRole('row').filter({ hasText: email }).waitFor();
}

/** Names a bucket's series in its Series form (the bucket page must be open). */
export async function nameSeries(
  page: Page,
  series: { sk: number; name: string; unit?: string }[],
): Promise<void> {
  const form = page.getByRole('form', { name: 'Series' });
  for (const { sk, name, unit } of series) {
    const row = form.getByLabel(`Name of series ${sk}`, { exact: true });
    if ((await row.count()) === 0) {
      await form.getByLabel('Series key to describe').fill(String(sk));
      await form.getByRole('button', { name: 'Add a series key' }).click();
    }
    await form.getByLabel(`Name of series ${sk}`, { exact: true }).fill(name);
    if (unit) await form.getByLabel(`Unit of series ${sk}`, { exact: true }).fill(unit);
  }
  const saved = page.waitForResponse((r) => r.url().includes('buckets.setSeries'));
  await form.getByRole('button', { name: 'Save series' }).click();
  expect((await saved).status()).toBe(200);
  await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
}

export interface WidgetChoice {
  type: 'Time chart' | 'Bar chart' | 'Stat' | 'Table' | 'Text';
  title?: string;
  /** The bucket as the dialog lists it: `Temperatures (TSV)`. */
  bucket?: string;
  /** Series by their shown names. */
  series?: string[];
  markdown?: string;
}

/** Adds a widget through the Add widget dialog (the grid must be in edit mode). */
export async function addWidget(page: Page, choice: WidgetChoice): Promise<void> {
  await page.getByRole('button', { name: 'Add widget' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add widget' });
  await dialog.getByRole('radio', { name: new RegExp(`^${choice.type}`) }).check();
  if (choice.title) await dialog.getByLabel('Title').fill(choice.title);
  if (choice.bucket) {
    await dialog.getByLabel('Bucket', { exact: true }).selectOption({ label: choice.bucket });
  }
  for (const name of choice.series ?? []) {
    await dialog
      .getByRole(choice.type === 'Stat' ? 'radio' : 'checkbox', { name: new RegExp(`^${name}\\b`) })
      .check();
  }
  if (choice.markdown !== undefined)
    await dialog.getByLabel('Text (Markdown)').fill(choice.markdown);
  await dialog.getByRole('button', { name: 'Add widget' }).click();
  await dialog.waitFor({ state: 'hidden' });
}
