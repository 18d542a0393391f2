import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import {
  addWidget,
  createApiKey,
  createBucket,
  createDashboard,
  nameSeries,
  signUp,
} from './flows.ts';
import { newUser, postRecords, screenshot, useHarness } from './harness.ts';

const harness = useHarness();

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** The text of the file a click downloads. */
async function downloaded(page: Page, click: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFile((await download.path())!, 'utf8');
}

/** A "YYYY-MM-DD HH:MM:SS[.mmm]" UTC time as the app writes it, back to unix ms. */
function utcMs(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

test("a time chart's Download CSV is its downsampled read: the same intervals and figures", async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Carla'));
  await page.evaluate(() => localStorage.setItem('bucketgrid.timeZone', 'utc'));
  const dashboardPath = await createDashboard(page, 'Climate');
  const bucketId = await createBucket(page, dashboardPath, 'Sensor', 'TSV');
  const key = await createApiKey(page, dashboardPath, 'sensor');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  // 30 minutes of records, shown in a fixed hour around them (the dashboard's range in its URL).
  const from = Date.UTC(2025, 9, 20, 10, 0, 0);
  const to = from + 60 * MINUTE;
  const start = from + 10 * MINUTE;
  const records = Array.from({ length: 1800 }, (_, i) => ({
    key: start + i * SECOND,
    data: [
      { series_key: 1, value: 20 + Math.sin(i / 50) },
      { series_key: 2, value: i % 7 === 0 ? -i : i / 3 },
    ],
  }));
  expect((await postRecords(harness.url, bucketId, key, records)).status).toBe(200);
  await page.goto(`${dashboardPath}/buckets/${bucketId}`);
  await nameSeries(page, [
    { sk: 1, name: 'Temperature', unit: '°C' },
    { sk: 2, name: 'Flow' },
  ]);

  await page.goto(dashboardPath);
  await page.getByRole('button', { name: 'Edit' }).click();
  await addWidget(page, {
    type: 'Time chart',
    title: 'Air',
    bucket: 'Sensor (TSV)',
    series: ['Temperature', 'Flow'],
  });
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Edit' }).waitFor();
  const iso = (ms: number) => new Date(ms).toISOString();
  await page.goto(`${dashboardPath}?from=${iso(from)}&to=${iso(to)}`);
  const widget = page.getByRole('region', { name: 'Air', exact: true });
  await widget.getByRole('img').first().waitFor();

  const csv = await downloaded(page, () =>
    widget.getByRole('button', { name: 'Download CSV of Air' }).click(),
  );
  const [header, ...rows] = Papa.parse<string[]>(csv.trim(), { newline: '\r\n' }).data;
  expect(header).toEqual(['time (UTC)', 'Temperature (°C)', 'Flow']);

  // The read the chart made: its points follow the widget's width (one per 2 px, by 25s).
  const width = await widget.locator('[data-widget-body]').evaluate((el) => el.clientWidth);
  const points = Math.max(25, Math.min(1000, Math.round(width / 2 / 25) * 25));
  const answer = await fetch(
    `${harness.url}/api/buckets/${bucketId}/downsample?from=${from}&to=${to}&points=${points}`,
    { headers: { 'x-api-key': key } },
  );
  const read = (await answer.json()) as {
    keys: number[];
    series: Record<string, { avg: (number | null)[] }>;
  };
  expect(read.keys.length).toBeGreaterThan(10);
  expect(rows.map((row) => utcMs(row[0]!))).toEqual(read.keys);
  expect(rows.map((row) => Number(row[1]))).toEqual(read.series[1]!.avg);
  expect(rows.map((row) => Number(row[2]))).toEqual(read.series[2]!.avg);
  // A negative figure stays a number, not a text a spreadsheet would see as a formula.
  expect(csv).not.toContain("'-");
});

test('a 10,000-row CSV with a bad row: the row named by line, nothing written, then the rest written and charted', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Ivo'));
  await page.evaluate(() => localStorage.setItem('bucketgrid.timeZone', 'utc'));
  const dashboardPath = await createDashboard(page, 'History');
  const bucketId = await createBucket(page, dashboardPath, 'Boiler', 'TSV');
  const key = await createApiKey(page, dashboardPath, 'reader');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  await page.goto(`${dashboardPath}/buckets/${bucketId}`);
  await nameSeries(page, [{ sk: 3, name: 'Temperature', unit: '°C' }]);

  const t0 = Date.UTC(2025, 9, 20, 0, 0, 0);
  const lines = ['time,temperature,pressure'];
  for (let i = 0; i < 10_000; i++) {
    const temperature = i === 6_000 ? 'n/a' : (60 + (i % 100) / 10).toFixed(1);
    lines.push(`${new Date(t0 + i * MINUTE).toISOString()},${temperature},${1000 + (i % 50)}`);
  }
  const file = { name: 'boiler.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) };
  const badLine = 6_002; // the header is line 1, row 0 is line 2

  const importFile = async () => {
    await page.getByRole('button', { name: 'Import CSV…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import CSV into Boiler' });
    await dialog.getByLabel('CSV file').setInputFiles(file);
    await dialog.getByRole('table', { name: 'First rows of the file' }).waitFor();
    return dialog;
  };

  const dialog = await importFile();
  // Matched by name: "temperature" is series 3; "pressure" is new, after it.
  await expect(dialog.getByLabel('temperature series key').inputValue()).resolves.toBe('3');
  await expect(dialog.getByLabel('pressure series key').inputValue()).resolves.toBe('4');
  await expect(dialog.getByLabel('time goes to').inputValue()).resolves.toBe('key');
  await dialog.getByText('Keys are read as ISO 8601').waitFor();
  await expect(
    dialog
      .getByRole('checkbox', { name: /Name the new series after their columns: 4 pressure/ })
      .isChecked(),
  ).resolves.toBe(true);
  await screenshot(page, 'csv-import-preview');

  // Every row or none: the bad row is named and nothing is written.
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const result = dialog.getByRole('region', { name: 'Import result' });
  await result.getByText('Nothing was written: 1 row fails.', { exact: false }).waitFor();
  await result.getByText(`Line ${badLine}: column 2: "n/a" is not a number`).waitFor();
  await result.getByRole('button', { name: 'Done' }).click();
  const count = async () => {
    const answer = await fetch(`${harness.url}/api/buckets/${bucketId}/downsample?points=1`, {
      headers: { 'x-api-key': key },
    });
    const read = (await answer.json()) as { count: number[] };
    return read.count.reduce((a, b) => a + b, 0);
  };
  expect(await count()).toBe(0);

  // Again, skipping rows that fail: the rest is written, in batches, with progress.
  const again = await importFile();
  await again.getByRole('radio', { name: /Skip rows that fail/ }).check();
  await again.getByRole('button', { name: 'Import', exact: true }).click();
  const written = again.getByRole('region', { name: 'Import result' });
  await written.getByText('Imported 9,999 records; 1 row was skipped.').waitFor();
  await written.getByText(`Line ${badLine}: column 2: "n/a" is not a number`).waitFor();
  await screenshot(page, 'csv-import-result');
  expect(await count()).toBe(9_999);
  await written.getByRole('button', { name: 'Done' }).click();

  // On the bucket page's chart: both series, from the first minute to the last.
  await page.getByRole('img', { name: /^Line chart: .*· 2 series$/ }).waitFor();
  await page.getByRole('list', { name: 'Legend' }).getByText('Temperature').waitFor();
  await page.getByRole('list', { name: 'Legend' }).getByText('pressure').waitFor();
  await screenshot(page, 'csv-import-charted');

  // The bucket page's export of the whole range, in ISO 8601: the REST CSV export, byte for byte.
  await page.getByRole('button', { name: 'Export CSV…' }).click();
  const exportDialog = page.getByRole('dialog', { name: 'Export Boiler as CSV' });
  await exportDialog.getByRole('radio', { name: 'ISO 8601 (UTC)' }).check();
  const exported = await downloaded(page, () =>
    exportDialog.getByRole('button', { name: 'Download CSV' }).click(),
  );
  const rest = await fetch(`${harness.url}/api/buckets/${bucketId}?format=csv`, {
    headers: { 'x-api-key': key },
  });
  expect(exported.split('\r\n')[0]).toBe('time,Temperature (°C),pressure');
  expect(exported.split('\r\n')).toHaveLength(9_999 + 2);
  expect(exported).toBe(await rest.text());
});

test('Cancel ends an import and says what was written', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Nora'));
  const dashboardPath = await createDashboard(page, 'Big');
  const bucketId = await createBucket(page, dashboardPath, 'Counter', 'IV');
  await page.goto(`${dashboardPath}/buckets/${bucketId}`);
  const lines = ['key,value'];
  for (let i = 0; i < 400_000; i++) lines.push(`${i},${i % 1000}`);
  await page.getByRole('button', { name: 'Import CSV…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import CSV into Counter' });
  await dialog.getByLabel('CSV file').setInputFiles({
    name: 'counter.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(lines.join('\n')),
  });
  await dialog.getByRole('radio', { name: /Skip rows that fail/ }).check();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const progress = dialog.getByRole('region', { name: 'Import progress' });
  await progress.getByText(/^Writing: [1-9][\d,]* records$/).waitFor();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await dialog.getByText(/^Import cancelled after [\d,]+ records were written/).waitFor();
});

test('a file over 100 MB is refused before it is read', async () => {
  const page = await harness.newPage();
  await signUp(page, newUser('Otto'));
  const dashboardPath = await createDashboard(page, 'Large');
  const bucketId = await createBucket(page, dashboardPath, 'Log', 'IV');
  await page.goto(`${dashboardPath}/buckets/${bucketId}`);
  await page.getByRole('button', { name: 'Import CSV…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import CSV into Log' });
  const dir = await mkdtemp(join(tmpdir(), 'bucketgrid-csv-'));
  const huge = join(dir, 'huge.csv');
  await writeFile(huge, Buffer.alloc(100 * 1024 * 1024 + 1, 'a'));
  try {
    await dialog.getByLabel('CSV file').setInputFiles(huge);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await dialog.getByText(/huge\.csv is 100\.0 MB; a file is at most 100 MB here/).waitFor();
});
