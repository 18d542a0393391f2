import type { WidgetInput } from '@bucketgrid/shared';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { trpcCall } from './browser.ts';
import { createApiKey, createBucket, createDashboard, signUp } from './flows.ts';
import { expectFitsViewport, newUser, postRecords, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** A widget on the grid, found by its title. */
const widget = (page: Page, title: string) =>
  page.getByRole('region', { name: title, exact: true });

/**
 * The keys of `keys` inside a time chart's shown span that have nothing drawn at their place:
 * the canvas column where each lands (±3 px) holds no pixel of the series' red.
 */
async function undrawnKeys(page: Page, title: string, keys: number[]) {
  return widget(page, title)
    .locator('.uplot')
    .evaluate((root: HTMLElement, keys: number[]) => {
      const canvas = root.querySelector('canvas')!;
      const over = root.querySelector<HTMLElement>('.u-over')!;
      const min = Number(root.dataset.xMin);
      const max = Number(root.dataset.xMax);
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const top = Math.floor(over.offsetTop * ratio);
      const bottom = Math.ceil((over.offsetTop + over.clientHeight) * ratio);
      const red = (x: number, y: number) => {
        const at = (y * image.width + x) * 4;
        const [r, g, b] = [image.data[at]!, image.data[at + 1]!, image.data[at + 2]!];
        return r - g > 60 && r - b > 60;
      };
      const shown = keys.filter((key) => key >= min && key <= max);
      const missing = shown.filter((key) => {
        const x = Math.round(
          (over.offsetLeft + ((key - min) / (max - min)) * over.clientWidth) * ratio,
        );
        // A downsampled interval is drawn at its middle: half an interval is 2.4 px at 24 h.
        for (let dx = -3; dx <= 3; dx++) {
          const column = x + dx;
          if (column < 0 || column >= image.width) continue;
          for (let y = top; y < bottom; y++) if (red(column, y)) return false;
        }
        return true;
      });
      return { shown: shown.length, missing };
    }, keys);
}

/**
 * Whether a time chart's line runs out of its plot at the top: the plot's top row of pixels
 * holds the series' red (the y scale leaves a margin above the highest drawn value).
 */
async function leavesAtTop(page: Page, title: string) {
  return widget(page, title)
    .locator('.uplot')
    .evaluate((root: HTMLElement) => {
      const canvas = root.querySelector('canvas')!;
      const over = root.querySelector<HTMLElement>('.u-over')!;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const top = Math.floor(over.offsetTop * ratio);
      const left = Math.floor(over.offsetLeft * ratio);
      const width = Math.floor(over.clientWidth * ratio);
      const row = canvas.getContext('2d')!.getImageData(left, top, width, 2).data;
      for (let at = 0; at < row.length; at += 4) {
        if (row[at]! - row[at + 1]! > 60 && row[at]! - row[at + 2]! > 60) return true;
      }
      return false;
    });
}

/**
 * Every widget has drawn: no loading placeholder is left anywhere in the grid, and the
 * widgets have finished moving to their places (the grid animates them after a resize).
 */
async function allDrawn(page: Page) {
  await expect
    .poll(() =>
      page.evaluate(() => {
        const grid = document.querySelector('[data-dashboard-grid]')!.getBoundingClientRect();
        const frames = [...document.querySelectorAll('[data-widget-id]')];
        const right = Math.max(...frames.map((frame) => frame.getBoundingClientRect().right));
        return Math.abs(right - grid.right) <= 1;
      }),
    )
    .toBe(true);
  await expect
    .poll(
      () =>
        page.locator('[data-widget-id] .skeleton, [data-widget-id] [aria-label="Loading"]').count(),
      {
        timeout: 15_000,
      },
    )
    .toBe(0);
  await expect(page.locator('[data-widget-type="text"] p').count()).resolves.toBeGreaterThan(0);
}

/** Legend entries of a chart that are cut off or out of reach, and how many there are. */
async function legendEntries(page: Page, title: string) {
  return widget(page, title).evaluate((frame: HTMLElement) => {
    const legend = frame.querySelector<HTMLElement>('[aria-label="Legend"]')!;
    const box = legend.getBoundingClientRect();
    const outer = frame.getBoundingClientRect();
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(legend).overflowY);
    const entries = [...legend.querySelectorAll<HTMLElement>('li:not([data-legend-key])')];
    const cut = entries.filter((entry) => {
      const rect = entry.getBoundingClientRect();
      const texts = [entry, ...entry.querySelectorAll<HTMLElement>('*')];
      const ellipsis = texts.some((element) => element.scrollWidth > element.clientWidth + 1);
      const across = rect.left >= box.left - 1 && rect.right <= box.right + 1;
      const down = rect.top >= box.top - 1 && rect.bottom <= box.bottom + 1;
      return ellipsis || !across || !(down || scrolls);
    });
    return {
      count: entries.length,
      cut: cut.map((entry) => entry.textContent),
      inside: box.bottom <= outer.bottom + 1 && box.right <= outer.right + 1,
    };
  });
}

/** The grid's width against the viewport's, less the page's side margins. */
async function gridShare(page: Page) {
  return page.evaluate(() => {
    const grid = document.querySelector('[data-dashboard-grid]')!.getBoundingClientRect();
    const main = document.querySelector('main')!;
    const style = getComputedStyle(main);
    const margins = Number.parseFloat(style.paddingLeft) + Number.parseFloat(style.paddingRight);
    const header = document.querySelector('.app-header-home')!.getBoundingClientRect();
    return {
      share: grid.width / (window.innerWidth - margins),
      headerOffset: Math.abs(header.left - grid.left),
    };
  });
}

test('charts draw every record, agree on the latest value, and use the whole screen', async () => {
  const page = await harness.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });
  await signUp(page, newUser('Tess'));
  const dashboardPath = await createDashboard(page, 'Truth');
  const mixed = await createBucket(page, dashboardPath, 'Mixed', 'TSV');
  const climate = await createBucket(page, dashboardPath, 'Climate', 'TSV');
  const key = await createApiKey(page, dashboardPath, 'sensor');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  const [workspace, slug] = dashboardPath.split('/').slice(1);
  const { id: dashboardId } = (await trpcCall(page, 'dashboards.bySlug', { workspace, slug })) as {
    id: string;
  };
  await trpcCall(
    page,
    'buckets.setSeries',
    {
      dashboardId,
      bucketId: mixed,
      series: [{ sk: 1, name: 'Temperature', unit: '°C', color: '#ff0000', decimals: 1 }],
    },
    true,
  );
  await trpcCall(
    page,
    'buckets.setSeries',
    {
      dashboardId,
      bucketId: climate,
      series: [
        { sk: 1, name: 'Temperature inside', unit: '°C' },
        { sk: 2, name: 'Temperature outside', unit: '°C' },
        { sk: 3, name: 'Humidity inside', unit: '%' },
        { sk: 4, name: 'Humidity outside', unit: '%' },
      ],
    },
    true,
  );

  // A day of one record a minute, then a minute of one record a second; the newest is 25.5.
  const now = Date.now();
  const minutes = Array.from({ length: 24 * 60 }, (_, k) => now - MINUTE - (k + 1) * MINUTE);
  const seconds = Array.from({ length: 60 }, (_, i) => now - MINUTE + i * SECOND);
  const records = [
    ...minutes.map((at, k) => ({ key: at, data: [{ series_key: 1, value: 20 + (k % 10) / 10 }] })),
    ...seconds.map((at, i) => ({
      key: at,
      data: [{ series_key: 1, value: i === 59 ? 25.5 : 21 + (i % 5) / 10 }],
    })),
  ];
  expect((await postRecords(harness.url, mixed, key, records)).status).toBe(200);
  const climateRecords = Array.from({ length: 30 }, (_, i) => ({
    key: now - (30 - i) * MINUTE,
    data: [1, 2, 3, 4].map((sk) => ({ series_key: sk, value: sk * 10 + (i % 7) })),
  }));
  expect((await postRecords(harness.url, climate, key, climateRecords)).status).toBe(200);

  const widgets: WidgetInput[] = [
    {
      id: 'mixed',
      type: 'timeChart',
      title: 'Mixed',
      pos: { x: 0, y: 0, w: 12, h: 5 },
      bucketId: mixed,
      series: [{ sk: 1 }],
    },
    {
      id: 'climate',
      type: 'timeChart',
      title: 'Climate',
      pos: { x: 0, y: 5, w: 6, h: 5 },
      bucketId: climate,
      series: [{ sk: 1 }, { sk: 2 }, { sk: 3, axis: 'right' }, { sk: 4, axis: 'right' }],
      band: true,
    },
    {
      id: 'bars',
      type: 'barChart',
      title: 'Climate now',
      pos: { x: 6, y: 5, w: 6, h: 5 },
      bucketId: climate,
      series: [1, 2, 3, 4],
    },
    {
      id: 'stat',
      type: 'stat',
      title: 'Temperature now',
      pos: { x: 0, y: 10, w: 3, h: 3 },
      bucketId: mixed,
      sk: 1,
    },
    {
      id: 'note',
      type: 'text',
      title: 'About',
      pos: { x: 3, y: 10, w: 3, h: 3 },
      markdown: '**Mixed** holds a record a minute, then a record a second.',
    },
    {
      id: 'log',
      type: 'table',
      title: 'Log',
      pos: { x: 6, y: 10, w: 6, h: 5 },
      bucketId: mixed,
      limit: 10,
    },
  ];
  await trpcCall(
    page,
    'dashboards.saveLayout',
    { dashboardId, version: 0, widgets, defaultRange: '24h' },
    true,
  );

  // Every record in the range is drawn, at every range, however unevenly they are spaced.
  const allKeys = [...minutes, ...seconds];
  for (const range of ['15m', '1h', '24h', 'all']) {
    await page.goto(`${dashboardPath}?range=${range}`);
    await widget(page, 'Mixed').locator('.uplot[data-x-min]').waitFor();
    await expect
      .poll(async () => (await undrawnKeys(page, 'Mixed', allKeys)).missing, {
        timeout: 15_000,
        message: `records not drawn at ${range}`,
      })
      .toEqual([]);
    const { shown } = await undrawnKeys(page, 'Mixed', allKeys);
    expect(shown, `records shown at ${range}`).toBeGreaterThanOrEqual(range === '15m' ? 70 : 115);
  }

  // "Latest" is the newest record's value on the legend, the stat and the table alike.
  await page.goto(dashboardPath);
  const legendValue = widget(page, 'Mixed').locator('[data-legend-value]');
  await expect.poll(() => legendValue.textContent()).toBe('25.5 °C');
  await expect
    .poll(() => widget(page, 'Temperature now').locator('[data-stat-value]').textContent())
    .toBe('25.5 °C');
  await widget(page, 'Log').getByRole('cell', { name: '25.5' }).first().waitFor();
  // The line of averages ends near 21.3 (the last interval's mean); the chart still shows the
  // newest value, 25.5, as a mark, and its y axis takes it in.
  const mixedPlot = widget(page, 'Mixed').locator('.uplot');
  await expect.poll(() => mixedPlot.getAttribute('data-latest-marks')).toBe('25.5');
  expect(Number(await mixedPlot.getAttribute('data-y-max'))).toBeGreaterThan(25.5);

  // The bar chart has a value axis; a range in the past says so instead of "Live".
  await expect(
    widget(page, 'Climate now').locator('[data-bar-tick]').count(),
  ).resolves.toBeGreaterThan(1);
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  await page.goto(`${dashboardPath}?from=${now - 3 * 60 * MINUTE}&to=${now - 2 * 60 * MINUTE}`);
  await page.getByRole('status').filter({ hasText: 'Past range' }).waitFor();
  await page.goto(dashboardPath);

  // A four-series half-width chart shows all four legend entries, whole.
  await expect
    .poll(() => legendEntries(page, 'Climate'))
    .toEqual({ count: 4, cut: [], inside: true });

  // The grid uses the width; the header lines up with it.
  for (const width of [1440, 1920]) {
    await page.setViewportSize({ width, height: 1000 });
    await expect.poll(async () => (await gridShare(page)).share).toBeGreaterThanOrEqual(0.95);
    expect((await gridShare(page)).headerOffset).toBeLessThanOrEqual(2);
    await widget(page, 'Climate').locator('.uplot').waitFor();
    await allDrawn(page);
    await expect(leavesAtTop(page, 'Mixed')).resolves.toBe(false);
    await screenshot(page, `charts-dashboard-${width}`);
  }

  // The tooltip: every series at the cursor, with units; the other chart's crosshair follows.
  await page.setViewportSize({ width: 1440, height: 1000 });
  // Climate's records fill the last half hour of the day: the right 2 % of the plot. The
  // plot is measured once the chart has followed the narrower screen.
  const over = widget(page, 'Climate').locator('.u-over');
  await expect
    .poll(async () => {
      const frame = (await widget(page, 'Climate').boundingBox())!;
      const box = (await over.boundingBox())!;
      return box.x + box.width <= frame.x + frame.width;
    })
    .toBe(true);
  const plot = (await over.boundingBox())!;
  const tooltip = widget(page, 'Climate').getByRole('tooltip');
  // Hours away from any record, no value is "at the cursor": no tooltip, the legend says Latest.
  await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2);
  await widget(page, 'Mixed')
    .getByRole('list', { name: 'Legend' })
    .getByText(/^\d{4}-/)
    .waitFor();
  await expect(tooltip.count()).resolves.toBe(0);
  await expect(widget(page, 'Climate').locator('[data-legend-key]').textContent()).resolves.toMatch(
    /^Latest/,
  );
  // Over the records: the right 2 % of the plot, a few pixels apart until one is within the
  // tooltip's reach of the cursor (the records move left as the clock runs). The plot is
  // measured again each time: the chart may still be following a layout change. The tooltip
  // is read in one step, the moment it shows the rows: a live refetch may move the records
  // out of reach again right after.
  const readTooltip = () =>
    tooltip.evaluateAll((found) =>
      found.map((el) => ({
        text: el.textContent ?? '',
        rows: [...el.querySelectorAll('tr')].map((row) => row.textContent ?? ''),
      })),
    );
  const hoverRecords = async (rows: number) => {
    let shown = { text: '', rows: [] as string[] };
    await expect
      .poll(async () => {
        const box = (await over.boundingBox())!;
        for (const at of [0.99, 0.995, 0.985, 0.999, 0.98]) {
          await page.mouse.move(box.x + box.width * at, box.y + box.height / 2);
          const [read] = await readTooltip();
          if (read?.rows.length === rows) {
            shown = read;
            return true;
          }
        }
        return false;
      })
      .toBe(true);
    return shown;
  };
  const shown = await hoverRecords(4);
  for (const name of [
    'Temperature inside',
    'Temperature outside',
    'Humidity inside',
    'Humidity outside',
  ]) {
    const row = shown.rows.find((text) => text.includes(name));
    expect(row).toMatch(name.startsWith('Temperature') ? /\d °C/ : /\d %/);
  }
  expect(shown.text).toMatch(/interval|UTC|\d{2}:\d{2}/);
  await expect
    .poll(() => widget(page, 'Mixed').locator('[data-legend-key]').textContent())
    .not.toMatch(/^Latest/);
  await screenshot(page, 'charts-tooltip');

  // A click on a legend entry hides its series; Ctrl-click shows only that one.
  const legend = widget(page, 'Climate').getByRole('list', { name: 'Legend' });
  await legend.getByRole('button', { name: /Humidity outside/ }).click();
  await expect(
    legend.getByRole('button', { name: /Humidity outside/ }).getAttribute('aria-pressed'),
  ).resolves.toBe('false');
  await legend
    .getByRole('button', { name: /Temperature inside/ })
    .click({ modifiers: ['Control'] });
  await expect(legend.getByRole('button', { pressed: true }).count()).resolves.toBe(1);
  await page.mouse.move(0, 0);
  await hoverRecords(1);

  // One stray record from 1970 (seconds sent as milliseconds) blanks nothing at "All".
  expect(
    (
      await postRecords(harness.url, mixed, key, [
        { key: 1_700_000, data: [{ series_key: 1, value: 5 }] },
      ])
    ).status,
  ).toBe(200);
  await page.goto(`${dashboardPath}?range=all`);
  await expect
    .poll(async () => (await undrawnKeys(page, 'Mixed', [1_700_000, ...allKeys])).missing, {
      timeout: 15_000,
    })
    .toEqual([]);
  await expect.poll(() => legendValue.textContent()).toBe('25.5 °C');

  // A window narrowed to a phone's width crosses the grid's breakpoint: every widget is laid
  // out again and asks for fewer points, and keeps showing its data meanwhile, never a
  // loading placeholder.
  await page.goto(dashboardPath);
  await allDrawn(page);
  await page.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { placeholdersSeen: seen });
    new MutationObserver(() => {
      for (const shown of document.querySelectorAll('[data-widget-body] .skeleton')) {
        seen.push(shown.closest('[data-widget-id]')?.getAttribute('data-widget-id') ?? '?');
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
  await page.setViewportSize({ width: 390, height: 844 });
  await widget(page, 'Climate').locator('.uplot').waitFor();
  await allDrawn(page);
  expect(
    await page.evaluate(
      () => (window as unknown as { placeholdersSeen: string[] }).placeholdersSeen,
    ),
  ).toEqual([]);

  // On a phone: the four legend entries still fit, nothing is cut.
  await page.goto(dashboardPath);
  await widget(page, 'Climate').locator('.uplot').waitFor();
  await expect
    .poll(() => legendEntries(page, 'Climate'))
    .toEqual({ count: 4, cut: [], inside: true });
  await expectFitsViewport(page);
  await allDrawn(page);
  await expect(leavesAtTop(page, 'Mixed')).resolves.toBe(false);
  await screenshot(page, 'charts-dashboard-390');
});
