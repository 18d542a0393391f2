import { startTestMailServer, type TestMailServer } from '@bucketgrid/services/test/mail-server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createDashboard, signUp } from './flows.ts';
import { type Harness, newUser, screenshot, startHarness } from './harness.ts';

/**
 * The story of issue 14 as people live it: an owner invites a new address, the email arrives,
 * the invitee signs up from its link and lands on the dashboard as a user; later they forget
 * their password and reset it by email.
 */

let smtp: TestMailServer;
let harness: Harness;
beforeAll(async () => {
  smtp = await startTestMailServer();
  harness = await startHarness({ smtpUrl: smtp.url });
}, 60_000);
afterAll(async () => {
  await harness?.stop();
  await smtp?.close();
});

const linkIn = (text: string | undefined, path: string) =>
  new RegExp(`https?://[^\\s]+/${path}/[0-9A-Za-z]{32}`).exec(text ?? '')![0];

test('an invitation by email, sign-up from its link, and a password reset by email', async () => {
  const ownerPage = await harness.newPage();
  const owner = newUser('Olivia');
  await signUp(ownerPage, owner);
  const dashboardPath = await createDashboard(ownerPage, 'Greenhouse');

  const guest = newUser('Gus');
  const invitationMail = smtp.nextMessageTo(guest.email);
  await ownerPage.goto(`${dashboardPath}/members`);
  const form = ownerPage.getByRole('form', { name: 'Add a member' });
  await form.getByLabel('Email').fill(guest.email);
  await form.getByLabel('Role').selectOption('user');
  await form.getByRole('button', { name: 'Add member' }).click();
  const shown = ownerPage.getByRole('status', { name: 'Invitation link' });
  await shown.getByText(`We emailed ${guest.email} this link.`).waitFor();
  const pending = ownerPage.getByRole('table', { name: 'Pending invitations' });
  const row = pending.getByRole('row').filter({ hasText: guest.email });
  await row.getByText('Olivia').waitFor();
  await row.getByText('User').waitFor();
  await screenshot(ownerPage, 'members-pending-invitation');

  const mail = await invitationMail;
  expect(mail.subject).toBe('Olivia invited you to “Greenhouse” on Bucketgrid');
  const link = linkIn(mail.text, 'invite');
  expect(await shown.getByRole('textbox').inputValue()).toBe(link);

  // The invitee opens the link in their own browser, signs up with the address filled in.
  const guestPage = await harness.newPage();
  await guestPage.goto(new URL(link).pathname);
  await guestPage.getByText('Olivia invited').waitFor();
  await guestPage.getByRole('link', { name: 'Create your account' }).click();
  await expect(guestPage.getByLabel('Email').inputValue()).resolves.toBe(guest.email);
  await guestPage.getByLabel('Name').fill(guest.name);
  await guestPage.getByLabel('Password').fill(guest.password);
  await guestPage.getByRole('button', { name: 'Create account' }).click();
  await guestPage.getByRole('heading', { name: 'Greenhouse', level: 1 }).waitFor();
  expect(new URL(guestPage.url()).pathname).toBe(dashboardPath);

  // The owner sees a member with the role user, and no invitation left.
  await ownerPage.reload();
  const member = ownerPage.getByRole('row').filter({ hasText: guest.email });
  await member.waitFor();
  await expect(member.getByRole('combobox').inputValue()).resolves.toBe('user');
  await ownerPage.getByText('No invitation is waiting to be accepted.').waitFor();

  // A forgotten password, reset by email from another browser; the first session ends.
  const resetPage = await harness.newPage();
  await resetPage.goto('/signin');
  await resetPage.getByRole('link', { name: 'Forgot password?' }).click();
  const resetMail = smtp.nextMessageTo(guest.email);
  await resetPage.getByLabel('Email').fill(guest.email);
  await resetPage.getByRole('button', { name: 'Email me a reset link' }).click();
  await resetPage.getByText(`If an account uses ${guest.email}, we sent it a link`).waitFor();
  const resetLink = linkIn((await resetMail).text, 'reset-password');
  await resetPage.goto(new URL(resetLink).pathname);
  await resetPage.getByLabel('New password').fill('a brand new passphrase');
  await resetPage.getByRole('button', { name: 'Set password' }).click();
  await resetPage.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
  await guestPage.reload();
  await guestPage.getByRole('heading', { name: 'Sign in' }).waitFor();
  // useHarness is not used here (the mail server starts first): the same check, by hand.
  expect(harness.takeErrors()).toEqual([]);
});
