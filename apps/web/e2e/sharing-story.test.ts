import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestMailServer, type TestMailServer } from '@bucketgrid/services/test/mail-server';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addWidget, createBucket, createDashboard, signUp } from './flows.ts';
import { type Harness, newUser, postRecords, screenshot, startHarness } from './harness.ts';

/**
 * Issue 14's story, end to end in Chromium: an owner invites a new address by email and the
 * invitee signs up from the link; the owner shares the dashboard by a public link, which a
 * browser without cookies opens, sees live, cannot widen and cannot manage with; a page on an
 * allowed origin frames it and one on another origin cannot; the owner revokes it and the
 * open page says so within a second; the Activity tab names each step's actor; an ingest-only
 * key writes and cannot read; the invitee's forgotten password is reset by email.
 */

const HOUR = 3_600_000;
let smtp: TestMailServer;
let harness: Harness;
/** Two other sites, each a page that frames a URL it is given. */
let allowedSite: Server;
let otherSite: Server;

function framingSite(): Promise<Server> {
  const site = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><title>Intranet</title><h1>Intranet</h1><iframe title="Shared dashboard" src="${src.replace(/"/g, '')}" width="1000" height="700"></iframe>`,
    );
  });
  return new Promise((resolve) => site.listen(0, '127.0.0.1', () => resolve(site)));
}
/**
 * The table's cell showing `value` (drawn with trailing zeros, 21.5 as 21.50); a plain text
 * match also found it inside a time cell (22:05:21.524) and failed on the clock.
 */
const valueCell = (table: Locator, value: string) =>
  table.getByRole('cell', { name: new RegExp(`^${value.replace('.', '\\.')}0*$`) });

const originOf = (site: Server) => `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

beforeAll(async () => {
  smtp = await startTestMailServer();
  harness = await startHarness({ smtpUrl: smtp.url });
  allowedSite = await framingSite();
  otherSite = await framingSite();
}, 60_000);
afterAll(async () => {
  await harness?.stop();
  await smtp?.close();
  allowedSite?.close();
  otherSite?.close();
});

const linkIn = (text: string | undefined, path: string) =>
  new RegExp(`https?://[^\\s]+/${path}/[0-9A-Za-z]{32}`).exec(text ?? '')![0];

async function createScopedKey(
  page: Page,
  dashboardPath: string,
  name: string,
  permissions: 'Ingest only' | 'Full',
): Promise<string> {
  await page.goto(`${dashboardPath}/keys`);
  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API key' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel(permissions).check();
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByRole('dialog', { name: 'API key created' });
  const key = await shown.getByLabel('Your new API key').inputValue();
  await shown.getByRole('button', { name: 'Done' }).click();
  await shown.waitFor({ state: 'hidden' });
  return key;
}

/** A call from inside the page, as a script on it could make (no cookies on a public page). */
function callFrom(page: Page, path: string, input: unknown) {
  return page.evaluate(
    async ({ path, input }) => {
      const response = await fetch(
        `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
      );
      const body = (await response.json()) as {
        result?: { data: unknown };
        error?: { data: { appCode?: string } };
      };
      return { status: response.status, code: body.error?.data.appCode, data: body.result?.data };
    },
    { path, input },
  );
}

async function openShareDialog(owner: Page, dashboardPath: string) {
  await owner.goto(`${dashboardPath}/settings`);
  await owner.getByRole('button', { name: 'Manage public links' }).click();
  return owner.getByRole('dialog', { name: 'Public links' });
}

test('invite, share publicly, embed, revoke, audit, scope a key, reset a password', async () => {
  // --- An invitation by email; the invitee signs up from its link. ---
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
  await ownerPage
    .getByRole('table', { name: 'Pending invitations' })
    .getByRole('row')
    .filter({ hasText: guest.email })
    .waitFor();
  await screenshot(ownerPage, 'story-members-pending-invitation');
  const invitationLink = linkIn((await invitationMail).text, 'invite');
  const guestPage = await harness.newPage();
  await guestPage.goto(new URL(invitationLink).pathname);
  await guestPage.getByRole('link', { name: 'Create your account' }).click();
  await expect(guestPage.getByLabel('Email').inputValue()).resolves.toBe(guest.email);
  await guestPage.getByLabel('Name').fill(guest.name);
  await guestPage.getByLabel('Password').fill(guest.password);
  await guestPage.getByRole('button', { name: 'Create account' }).click();
  await guestPage.getByRole('heading', { name: 'Greenhouse', level: 1 }).waitFor();
  expect(new URL(guestPage.url()).pathname).toBe(dashboardPath);
  await guestPage.getByRole('button', { name: 'Edit' }).waitFor({ state: 'detached' });

  // --- A grid to share: a table of the latest readings, one of them two days old. ---
  const bucketId = await createBucket(ownerPage, dashboardPath, 'Climate');
  const fullKey = await createScopedKey(ownerPage, dashboardPath, 'station', 'Full');
  const now = Date.now();
  const old = { key: now - 48 * HOUR, data: [{ series_key: 1, value: 11.25 }] };
  const recent = { key: now - HOUR, data: [{ series_key: 1, value: 21.5 }] };
  expect((await postRecords(harness.url, bucketId, fullKey, [old, recent])).status).toBe(200);
  await ownerPage.goto(dashboardPath);
  await ownerPage.getByRole('button', { name: 'Edit' }).click();
  await addWidget(ownerPage, { type: 'Table', title: 'Readings', bucket: 'Climate (TSV)' });
  const saved = ownerPage.waitForResponse((r) => r.url().includes('dashboards.saveLayout'));
  await ownerPage.getByRole('button', { name: 'Save' }).click();
  expect((await saved).status()).toBe(200);

  // --- The owner creates a public link that one other site may frame. ---
  const dialog = await openShareDialog(ownerPage, dashboardPath);
  await dialog.getByLabel('Name').fill('Status page');
  await dialog.getByLabel('Sites that may embed it').fill(originOf(allowedSite));
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const shareUrl = await dialog.getByLabel('Share link for Status page').inputValue();
  expect(shareUrl).toMatch(new RegExp(`^${harness.url}/s/[0-9A-Za-z]{32}$`));
  const token = shareUrl.split('/s/')[1]!;
  const row = dialog.getByRole('table', { name: 'Public links' }).getByRole('row', {
    name: /Status page/,
  });
  await row.getByRole('cell', { name: 'Olivia', exact: true }).waitFor();
  await row.getByRole('cell', { name: 'Locked' }).waitFor();
  await screenshot(ownerPage, 'story-share-dialog');

  // --- Anyone: a browser without cookies opens it, sees the grid, and a write arrive live. ---
  const viewer = await harness.newPage();
  // The link is locked: the page names its table's read in its live stream, and the server
  // pushes the answer with each event (docs/sharing.md), so a write shows without a request.
  const pushing = viewer.waitForResponse(
    (r) => r.url().includes('share.live') && decodeURIComponent(r.url()).includes('"reads"'),
  );
  const reads: string[] = [];
  viewer.on('request', (request) => {
    if (/share\.(records|downsample)/.test(request.url())) reads.push(request.url());
  });
  await viewer.goto(new URL(shareUrl).pathname);
  await viewer.getByRole('heading', { name: 'Greenhouse', level: 1 }).waitFor();
  const readings = viewer.getByRole('region', { name: 'Readings', exact: true });
  await valueCell(readings, '21.5').waitFor();
  await viewer.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  expect((await pushing).status()).toBe(200);
  const write = { key: Date.now(), data: [{ series_key: 1, value: 42.75 }] };
  expect((await postRecords(harness.url, bucketId, fullKey, [write])).status).toBe(200);
  await valueCell(readings, '42.75').waitFor();
  const asked = reads.length;
  const next = { key: Date.now() + 1, data: [{ series_key: 1, value: 43.5 }] };
  expect((await postRecords(harness.url, bucketId, fullKey, [next])).status).toBe(200);
  await valueCell(readings, '43.5').waitFor();
  expect(reads.slice(asked)).toEqual([]);

  // The range is locked: no picker, and a read asking for everything gets the last 24 hours.
  await viewer.getByText('Last 24 hours').waitFor();
  await expect(viewer.getByRole('group', { name: 'Time range' }).count()).resolves.toBe(0);
  const widened = await callFrom(viewer, 'share.records', { token, bucketId, from: 0 });
  const keys = (widened.data as { records: { key: number }[] }).records.map((r) => r.key);
  expect(keys).toEqual([recent.key, write.key, next.key]);
  expect(await valueCell(readings, '11.25').count()).toBe(0);

  // No management procedure answers it, and the page loaded none of the app's code.
  const dashboardId = (
    (await callFrom(viewer, 'share.open', { token })).data as { dashboard: { id: string } }
  ).dashboard.id;
  for (const [path, input] of [
    ['shareLinks.list', { dashboardId }],
    ['dashboards.layout', { dashboardId }],
    ['buckets.records', { dashboardId, bucketId }],
    ['apiKeys.list', { dashboardId }],
    ['activity.list', { dashboardId }],
  ] as const) {
    expect(await callFrom(viewer, path, input), path).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  }
  const appEntry = /src="(\/assets\/[^"]+\.js)"/.exec(
    await (await fetch(`${harness.url}/`)).text(),
  )![1]!;
  const loaded = await viewer.evaluate(() =>
    performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname),
  );
  expect(loaded.length).toBeGreaterThan(0);
  expect(loaded).not.toContain(appEntry);

  await screenshot(viewer, 'story-public-page-desktop');
  await viewer.setViewportSize({ width: 390, height: 844 });
  await valueCell(readings, '42.75').waitFor();
  await screenshot(viewer, 'story-public-page-phone');
  await viewer.setViewportSize({ width: 1280, height: 860 });
  // The wall layout: the same grid, edge to edge.
  const wall = await harness.newPage();
  await wall.goto(`${new URL(shareUrl).pathname}?layout=wall`);
  await wall
    .getByRole('main', { name: 'Greenhouse (shared)' })
    .and(wall.locator('.wall'))
    .waitFor();
  await valueCell(wall.getByRole('region', { name: 'Readings', exact: true }), '42.75').waitFor();
  // The page layout offers the widget's CSV; a wall, watched and not clicked, does not.
  await viewer.getByRole('button', { name: 'Download CSV of Readings' }).waitFor();
  await expect(wall.getByRole('button', { name: /^Download CSV/ }).count()).resolves.toBe(0);
  await wall.close();

  // --- Embeds: the allowed site frames it; another site's frame is refused. ---
  const embedding = await harness.newPage();
  await embedding.goto(`${originOf(allowedSite)}/?src=${encodeURIComponent(shareUrl)}`);
  await embedding
    .frameLocator('iframe')
    .getByRole('heading', { name: 'Greenhouse', level: 1 })
    .waitFor();
  const refused = await harness.newPage();
  const refusal = refused.waitForEvent('console', (message) =>
    message.text().includes('frame-ancestors'),
  );
  await refused.goto(`${originOf(otherSite)}/?src=${encodeURIComponent(shareUrl)}`);
  expect((await refusal).text()).toContain(
    `Framing '${harness.url}/' violates the following Content Security Policy directive: "frame-ancestors ${originOf(allowedSite)}"`,
  );
  const otherFrame = refused.frames().find((frame) => frame !== refused.mainFrame())!;
  await expect(otherFrame.getByRole('heading', { name: 'Greenhouse' }).count()).resolves.toBe(0);
  // The refusal is the browser's console error this test expects; nothing else may be there.
  expect(harness.takeErrors().every((error) => error.includes('frame-ancestors'))).toBe(true);

  // A link whose viewers may change the range: the picker widens it to the older reading.
  await dialog.getByLabel('Name').fill('Client');
  await dialog.getByLabel('Sites that may embed it').fill('');
  await dialog.getByLabel('Viewers may change the time range', { exact: false }).check();
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const openUrl = await dialog.getByLabel('Share link for Client').inputValue();
  const browsing = await harness.newPage();
  await browsing.goto(new URL(openUrl).pathname);
  const browsed = browsing.getByRole('region', { name: 'Readings', exact: true });
  await valueCell(browsed, '21.5').waitFor();
  expect(await valueCell(browsed, '11.25').count()).toBe(0);
  await browsing.getByRole('button', { name: 'Last 7 days' }).click();
  await valueCell(browsed, '11.25').waitFor();
  await browsing.close();
  await dialog
    .getByRole('row', { name: /Client/ })
    .getByRole('button', { name: 'Revoke', exact: true })
    .click();
  await dialog.getByRole('button', { name: 'Revoke for good' }).click();
  await dialog.getByRole('row', { name: /Client/ }).waitFor({ state: 'detached' });

  // --- The owner revokes it: the open page says so within a second; the link is 404. ---
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
  const revoked = ownerPage.waitForResponse((r) => r.url().includes('shareLinks.revoke'));
  await dialog.getByRole('button', { name: 'Revoke for good' }).click();
  expect((await revoked).status()).toBe(200);
  await viewer
    .getByRole('heading', { name: 'This link no longer works' })
    .waitFor({ timeout: 1_000 });
  await embedding
    .frameLocator('iframe')
    .getByRole('heading', { name: 'This link no longer works' })
    .waitFor({ timeout: 1_000 });
  const gone = await fetch(shareUrl);
  expect(gone.status).toBe(404);
  expect(gone.headers.get('x-robots-tag')).toBe('noindex, nofollow');
  await dialog.getByText('No public links yet.').waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();

  // --- An ingest-only key writes, and is refused reads. ---
  const ingestKey = await createScopedKey(ownerPage, dashboardPath, 'gateway', 'Ingest only');
  const ingested = await postRecords(harness.url, bucketId, ingestKey, [
    { key: Date.now(), data: [{ series_key: 1, value: 1 }] },
  ]);
  expect(ingested.status).toBe(200);
  const read = await fetch(`${harness.url}/api/buckets/${bucketId}`, {
    headers: { 'x-api-key': ingestKey },
  });
  expect(read.status).toBe(403);
  expect(((await read.json()) as { code: string }).code).toBe('insufficient_scope');

  // --- The Activity tab names each step and who took it. ---
  await ownerPage.goto(dashboardPath);
  await ownerPage.getByRole('link', { name: 'Activity' }).click();
  const table = ownerPage.getByRole('table', { name: 'Activity, newest first' });
  const entry = (action: string, target: string) =>
    table.getByRole('row').filter({ hasText: action }).filter({ hasText: target }).first();
  await entry('Member invited', guest.email).getByText(owner.email).waitFor();
  await entry('Invitation accepted', guest.email).getByText('Person').waitFor();
  await entry('Share link created', 'Status page').getByText(owner.email).waitFor();
  await entry('Share link revoked', 'Status page').getByText(owner.email).waitFor();
  await entry('API key created', 'gateway').getByText(owner.email).waitFor();
  await entry('Layout saved', '').getByText(owner.email).waitFor();
  await screenshot(ownerPage, 'story-activity-tab');

  // --- The invitee forgets their password and resets it by email. ---
  const resetPage = await harness.newPage();
  await resetPage.goto('/signin');
  await resetPage.getByRole('link', { name: 'Forgot password?' }).click();
  const resetMail = smtp.nextMessageTo(guest.email);
  await resetPage.getByLabel('Email').fill(guest.email);
  await resetPage.getByRole('button', { name: 'Email me a reset link' }).click();
  const resetLink = linkIn((await resetMail).text, 'reset-password');
  await resetPage.goto(new URL(resetLink).pathname);
  await resetPage.getByLabel('New password').fill('a brand new passphrase');
  await resetPage.getByRole('button', { name: 'Set password' }).click();
  await resetPage.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
  await guestPage.reload();
  await guestPage.getByRole('heading', { name: 'Sign in' }).waitFor();

  // The harness is not useHarness (the mail server starts first): the same check, by hand.
  expect(harness.takeErrors()).toEqual([]);
});
