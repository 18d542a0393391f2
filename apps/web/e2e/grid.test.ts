import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import {
  addMember,
  addWidget,
  createApiKey,
  createBucket,
  createDashboard,
  nameSeries,
  signUp,
} from './flows.ts';
import { expectFitsViewport, newUser, postRecords, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

const MINUTE = 60_000;

/** A widget on the grid, found by its title. */
const widget = (page: Page, title: string) =>
  page.getByRole('region', { name: title, exact: true });

test('an admin builds a live grid over three buckets; a user only views it, on a phone too', async () => {
  const admin = await harness.newPage();
  // Whatever the server's Content-Security-Policy refuses is recorded here (there must be none).
  await admin.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await signUp(admin, newUser('Grace'));
  const dashboardPath = await createDashboard(admin, 'Plant');
  const temperatures = await createBucket(admin, dashboardPath, 'Temperatures', 'TSV');
  const power = await createBucket(admin, dashboardPath, 'Power', 'TSV');
  const cities = await createBucket(admin, dashboardPath, 'Cities', 'KV');
  const key = await createApiKey(admin, dashboardPath, 'plant-gateway');
  await admin.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

  // The bucket list follows writes live: counts and last write.
  await admin.goto(`${dashboardPath}/buckets`);
  const powerRow = admin.getByRole('row').filter({ hasText: 'Power' });
  await powerRow.getByRole('cell', { name: '0', exact: true }).waitFor();

  const now = Date.now();
  const write = async (bucketId: string, records: unknown[]) =>
    expect(postRecords(harness.url, bucketId, key, records)).resolves.toMatchObject({
      status: 200,
    });
  await write(
    temperatures,
    [30, 20, 10].map((ago, i) => ({
      key: now - ago * MINUTE,
      data: [
        { series_key: 1, value: 21 + i },
        { series_key: 2, value: 5 + i },
      ],
    })),
  );
  await write(power, [
    { key: now - 20 * MINUTE, data: [{ series_key: 1, value: 900 }] },
    { key: now - 10 * MINUTE, data: [{ series_key: 1, value: 1000 }] },
  ]);
  await write(cities, [
    { key: 'berlin', data: [{ series_key: 1, value: 12 }] },
    { key: 'a-city-with-a-very-long-name-that-does-not-fit', data: [{ series_key: 1, value: 7 }] },
  ]);

  await powerRow.getByRole('cell', { name: '2', exact: true }).waitFor();
  await powerRow.getByText('minutes ago').or(powerRow.getByText('just now')).waitFor();

  // The admin names the series on the bucket pages.
  await admin.goto(`${dashboardPath}/buckets/${temperatures}`);
  await nameSeries(admin, [
    { sk: 1, name: 'Inside', unit: '°C' },
    { sk: 2, name: 'Outside', unit: '°C' },
  ]);
  await admin.goto(`${dashboardPath}/buckets/${power}`);
  await nameSeries(admin, [{ sk: 1, name: 'Load', unit: 'kW' }]);
  await expect.poll(() => admin.title()).toBe('Power · Plant · Bucketgrid');

  // The dashboard opens on its (empty) grid; the admin builds it.
  await admin.goto(dashboardPath);
  await expect.poll(() => admin.title()).toBe('Plant · Bucketgrid');
  await admin.getByRole('heading', { name: 'No widgets yet' }).waitFor();
  await admin.getByRole('button', { name: 'Edit' }).click();
  await addWidget(admin, {
    type: 'Time chart',
    title: 'Climate',
    bucket: 'Temperatures (TSV)',
    series: ['Inside', 'Outside'],
  });
  await addWidget(admin, {
    type: 'Bar chart',
    title: 'Cities',
    bucket: 'Cities (KV)',
    series: ['Series 1'],
  });
  await addWidget(admin, {
    type: 'Stat',
    title: 'Load now',
    bucket: 'Power (TSV)',
    series: ['Load'],
  });
  await addWidget(admin, { type: 'Table', title: 'Power log', bucket: 'Power (TSV)' });

  // New widgets fill the rows without gaps: each takes the first free spot that fits.
  const placed = Object.fromEntries(
    await Promise.all(
      ['Climate', 'Cities', 'Load now', 'Power log'].map(
        async (title) => [title, (await widget(admin, title).boundingBox())!] as const,
      ),
    ),
  );
  const gap = (left: { x: number; width: number }, right: { x: number }) =>
    right.x - (left.x + left.width);
  expect(gap(placed.Climate!, placed.Cities!)).toBeLessThanOrEqual(14);
  expect(Math.abs(placed.Climate!.y - placed.Cities!.y)).toBeLessThanOrEqual(1);
  expect(Math.abs(placed['Load now']!.x - placed.Climate!.x)).toBeLessThanOrEqual(1);
  expect(gap(placed['Load now']!, placed['Power log']!)).toBeLessThanOrEqual(14);
  expect(Math.abs(placed['Load now']!.y - placed['Power log']!.y)).toBeLessThanOrEqual(1);
  await screenshot(admin, 'grid-editing');
  // In edit mode no title hides behind the buttons, and every resize corner can be seen.
  const editing = await admin.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-widget-id]')].map((frame) => {
      const title = frame.querySelector('h3')!;
      const handle = frame.parentElement!.querySelector<HTMLElement>('.react-resizable-handle')!;
      handle.scrollIntoView({ block: 'center' });
      const box = handle.getBoundingClientRect();
      const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return {
        title: title.textContent,
        cut: title.scrollWidth > title.clientWidth + 1,
        handle: box.width >= 16 && getComputedStyle(handle).opacity === '1' && top === handle,
      };
    }),
  );
  expect(editing).toEqual(
    ['Climate', 'Cities', 'Load now', 'Power log'].map((title) => ({
      title,
      cut: false,
      handle: true,
    })),
  );
  const saved = admin.waitForResponse((r) => r.url().includes('dashboards.saveLayout'));
  await admin.getByRole('button', { name: 'Save' }).click();
  expect((await saved).status()).toBe(200);
  await admin.getByRole('button', { name: 'Edit' }).waitFor();

  // Every widget shows its data, with the series' names and units.
  const climate = widget(admin, 'Climate');
  await climate.getByRole('list', { name: 'Legend' }).getByText('Inside').waitFor();
  await climate.getByText('23 °C').waitFor();
  await widget(admin, 'Cities').getByText('berlin').waitFor();
  await widget(admin, 'Load now').getByText('1,000').waitFor();
  await widget(admin, 'Load now').getByText('kW').first().waitFor();
  await widget(admin, 'Power log').getByRole('cell', { name: '1,000' }).waitFor();
  await admin.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  await admin.evaluate(() => {
    (window as unknown as { stayedOnPage: boolean }).stayedOnPage = true;
  });

  // Data written over REST reaches every widget without a reload.
  const later = Date.now();
  await write(temperatures, [
    {
      key: later,
      data: [
        { series_key: 1, value: 30.5 },
        { series_key: 2, value: 9 },
      ],
    },
  ]);
  await write(power, [{ key: later, data: [{ series_key: 1, value: 1234.5 }] }]);
  await write(cities, [{ key: 'paris', data: [{ series_key: 1, value: 20 }] }]);
  await climate.getByText('30.5 °C').waitFor();
  await widget(admin, 'Cities').getByText('paris').waitFor();
  await widget(admin, 'Load now').getByText('1,234.5').waitFor();
  await widget(admin, 'Power log').getByRole('cell', { name: '1,234.5' }).waitFor();
  await expect(
    admin.evaluate(() => (window as unknown as { stayedOnPage?: boolean }).stayedOnPage),
  ).resolves.toBe(true);
  await screenshot(admin, 'grid-desktop');

  // Seven days and back; the range lives in the URL.
  await admin.getByRole('button', { name: 'Last 7 days' }).click();
  await expect.poll(() => new URL(admin.url()).searchParams.get('range')).toBe('7d');
  await climate.getByText('30.5 °C').waitFor();
  await admin.getByRole('button', { name: 'Last 24 hours' }).click();
  await expect.poll(() => new URL(admin.url()).search).toBe('');
  await admin.getByRole('button', { name: 'Last 7 days' }).click();
  await expect.poll(() => new URL(admin.url()).searchParams.get('range')).toBe('7d');

  // Dragging across a time chart zooms the whole dashboard; Reset goes back.
  const plot = (await climate.locator('.u-over').boundingBox())!;
  await admin.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2);
  await admin.mouse.down();
  await admin.mouse.move(plot.x + plot.width * 0.95, plot.y + plot.height / 2, { steps: 6 });
  await admin.mouse.up();
  await expect.poll(() => new URL(admin.url()).searchParams.get('from')).not.toBeNull();
  await admin.getByRole('button', { name: 'Custom ✎' }).waitFor();
  await admin.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => new URL(admin.url()).search).toBe('');
  await admin.getByRole('button', { name: 'Last 7 days' }).click();

  // A reload finds the same layout and range.
  await admin.reload();
  await widget(admin, 'Climate').getByText('30.5 °C').waitFor();
  await expect(
    admin.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed'),
  ).resolves.toBe('true');
  await expect(admin.locator('[data-widget-id]').count()).resolves.toBe(4);
  await admin.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => new URL(admin.url()).search).toBe('');

  // A user member sees the grid and no edit controls at all.
  const viewerUser = newUser('Vera');
  const viewer = await harness.newPage();
  await signUp(viewer, viewerUser);
  await addMember(admin, dashboardPath, viewerUser.email, 'user');
  await viewer.goto(dashboardPath);
  await widget(viewer, 'Load now').getByText('1,234.5').waitFor();
  await expect(viewer.getByRole('button', { name: 'Edit' }).count()).resolves.toBe(0);
  await expect(
    viewer.getByRole('button', { name: /^Configure|^Remove|Add widget/ }).count(),
  ).resolves.toBe(0);
  await expect(viewer.locator('.react-resizable-handle:visible').count()).resolves.toBe(0);

  // On a phone: one column, in reading order, nothing cut off.
  await viewer.setViewportSize({ width: 390, height: 844 });
  await widget(viewer, 'Climate').getByText('30.5 °C').waitFor();
  const boxes = await viewer.locator('[data-widget-id]').evaluateAll((elements) =>
    elements.map((element) => {
      const box = element.getBoundingClientRect();
      return {
        x: Math.round(box.x),
        width: Math.round(box.width),
        title: element.getAttribute('aria-label'),
      };
    }),
  );
  expect(new Set(boxes.map((box) => box.x)).size).toBe(1);
  expect(boxes.map((box) => box.title)).toEqual(['Climate', 'Cities', 'Load now', 'Power log']);
  await expectFitsViewport(viewer);
  await screenshot(viewer, 'grid-phone');

  // The wall screen: the grid alone.
  await admin.setViewportSize({ width: 1600, height: 900 });
  await admin.goto(`${dashboardPath}?range=7d`);
  await admin.getByRole('link', { name: 'Wall screen' }).click();
  await admin.getByRole('main', { name: 'Plant (wall screen)' }).waitFor();
  expect(new URL(admin.url()).searchParams.get('range')).toBe('7d');
  await widget(admin, 'Load now').getByText('1,234.5').waitFor();
  await expect(admin.getByRole('banner').count()).resolves.toBe(0);
  await expect(admin.getByRole('navigation', { name: 'Dashboard sections' }).count()).resolves.toBe(
    0,
  );
  await screenshot(admin, 'grid-wall');
  await expect(
    admin.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  ).resolves.toEqual([]);
});
