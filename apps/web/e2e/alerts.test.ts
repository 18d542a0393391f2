import { expect, test } from 'vitest';
import { startAlertReceiver, verifySignature } from '../../server/test/alert-receiver.ts';
import { addWidget, createApiKey, createBucket, createDashboard, signUp } from './flows.ts';
import { expectFitsViewport, newUser, postRecords, screenshot, useHarness } from './harness.ts';

// The receiver listens on 127.0.0.1: the operator's setting lets webhooks reach it.
const harness = useHarness({ alerts: { intervalMs: 1_000, allowPrivate: true } });
/**
 * How long a change of state may take to show: well under the page's unprompted refetch of the
 * states (ALERT_STATES_REFRESH_MS, 60 s), so only the live event can show it in time.
 */
const BY_LIVE_EVENT = { timeout: 20_000 };

test('an admin makes a rule from a time chart with a preview of the last 24 hours; REST writes make it fire on the tab, the grid and the wall, by live event, then resolve; the rule is edited with its preview', async () => {
  const receiver = await startAlertReceiver();
  try {
    const page = await harness.newPage();
    await signUp(page, newUser('Alma'));
    const dashboardPath = await createDashboard(page, 'Furnace');
    // Another bucket first, and the rule on series 2: the form's defaults are not the chart's.
    await createBucket(page, dashboardPath, 'Ambient');
    const bucketId = await createBucket(page, dashboardPath, 'Temperature');
    const key = await createApiKey(page, dashboardPath, 'sensor');
    const write = (value: number) =>
      postRecords(harness.url, bucketId, key, [
        { key: new Date().toISOString(), data: [{ series_key: 2, value }] },
      ]);
    // A day of series 2 around 20, every ten minutes, and every minute of the last 70, when it
    // went over 30 for ten minutes an hour ago: the preview shows it would have fired then.
    const minute = 60_000;
    const minutesAgo = [
      ...Array.from({ length: 137 }, (_, i) => 1_440 - i * 10),
      ...Array.from({ length: 70 }, (_, i) => 70 - i),
    ];
    const history = minutesAgo.map((ago) => ({
      key: new Date(Date.now() - ago * minute).toISOString(),
      data: [
        { series_key: 1, value: 1 },
        { series_key: 2, value: ago <= 60 && ago > 50 ? 45 : 20 + 4 * Math.sin(ago / 90) },
      ],
    }));
    expect((await postRecords(harness.url, bucketId, key, history)).status).toBe(200);
    expect((await write(20)).status).toBe(200);

    // A time chart of the series the rule will watch.
    await page.goto(dashboardPath);
    await page.getByRole('button', { name: 'Edit' }).click();
    await addWidget(page, {
      type: 'Time chart',
      title: 'Furnace temperature',
      bucket: 'Temperature (TSV)',
      series: ['Series 1', 'Series 2'],
    });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    const tabs = page.getByRole('navigation', { name: 'Dashboard sections' });
    const widget = page.getByRole('region', { name: 'Furnace temperature' });
    const mark = widget.getByRole('img', { name: 'Alert firing: Too hot' });

    // The rule is made from the chart: its menu opens the rule form on the chart's series.
    await widget.getByRole('link', { name: 'New alert rule on Furnace temperature' }).click();
    await page.getByRole('heading', { name: 'Alerts', level: 2 }).waitFor();
    const pointForm = page.getByRole('form', { name: 'New contact point' });
    await pointForm.getByLabel('Name').fill('ops hook');
    await pointForm.getByLabel('URL').fill(receiver.url);
    await pointForm.getByRole('button', { name: 'Add contact point' }).click();
    const secret = (await page.locator('code', { hasText: /^whsec_/ }).textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);

    const ruleForm = page.getByRole('form', { name: 'New alert rule' });
    await expect(ruleForm.getByLabel('Bucket').inputValue()).resolves.toBe(bucketId);
    // The chart shows two series: the form offers those two, the first chosen.
    const seriesChoice = ruleForm.getByLabel('Series key');
    await expect(seriesChoice.locator('option').allTextContents()).resolves.toEqual([
      'Series 1',
      'Series 2',
    ]);
    await expect(seriesChoice.inputValue()).resolves.toBe('1');
    await seriesChoice.selectOption('2');
    await ruleForm.getByLabel('Name').fill('Too hot');
    await ruleForm.getByLabel('Aggregation').selectOption('last');
    await ruleForm.getByLabel('Window (minutes)').fill('1');
    const threshold = ruleForm.getByRole('textbox', { name: 'Threshold' });
    await threshold.fill('30');
    // The preview: the series' last 24 hours, the threshold drawn, the stretch it would have
    // fired (an hour ago) listed; raising the threshold above the data takes the firing away.
    const preview = ruleForm.getByRole('figure', { name: 'Rule preview' });
    await preview.getByRole('img', { name: /threshold 30; Would have fired once/ }).waitFor();
    const wouldFire = preview.getByRole('list', { name: 'Would have fired' }).getByRole('listitem');
    await expect(wouldFire.allTextContents()).resolves.toEqual([
      expect.stringMatching(/value 45\)$/),
    ]);
    await screenshot(page, 'alerts-rule-editor-preview');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'alerts-rule-editor-preview-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
    await threshold.fill('50');
    await preview.getByText('Would not have fired in the last 24 hours.').waitFor();
    await threshold.fill('30');
    await preview.getByText('Would have fired once in the last 24 hours.').waitFor();
    await ruleForm.getByLabel('ops hook').check();
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    const row = page.locator('tr[data-rule="Too hot"]');
    await row.waitFor();

    expect((await write(45)).status).toBe(200);
    await row.getByText('firing', { exact: true }).waitFor(BY_LIVE_EVENT);
    await row.getByRole('cell', { name: '45', exact: true }).waitFor();
    const [fired] = await receiver.waitFor((r) => r.json.type === 'alert.firing');
    expect(verifySignature(secret, fired!.headers, fired!.body)).toBe(true);
    await screenshot(page, 'alerts-tab-firing');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'alerts-tab-firing-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
    // The tab counts the firing rule.
    await tabs.getByRole('link', { name: 'Alerts 1 firing' }).waitFor();

    // The grid marks the chart of the watched series and draws the rule's threshold on it.
    await tabs.getByRole('link', { name: 'Dashboard' }).click();
    await mark.waitFor();
    await widget.getByRole('img', { name: /threshold 30 \(Too hot, firing\)$/ }).waitFor();
    await screenshot(page, 'alerts-widget-firing');
    await page.setViewportSize({ width: 390, height: 844 });
    await mark.waitFor();
    // The chart is drawn again at the phone's width (a skeleton stands in while it measures).
    await widget.locator('.uplot').waitFor();
    // At phone width the mark and the header's buttons fit: nothing pushes the page sideways.
    await expectFitsViewport(page);
    await screenshot(page, 'alerts-widget-firing-phone');
    await page.setViewportSize({ width: 1280, height: 860 });

    // The wall screen shows the same mark and how many rules fire.
    await page.getByRole('link', { name: 'Wall screen' }).click();
    await page.getByRole('status').filter({ hasText: '1 alert firing' }).waitFor();
    await mark.waitFor();
    await page.getByRole('link', { name: 'Exit' }).click();

    // Back under the threshold: the mark and the count go, the threshold line stays.
    expect((await write(12)).status).toBe(200);
    await mark.waitFor({ state: 'detached', ...BY_LIVE_EVENT });
    await widget.getByRole('img', { name: /threshold 30 \(Too hot\)$/ }).waitFor();
    await tabs.getByRole('link', { name: 'Alerts', exact: true }).waitFor();
    await receiver.waitFor((r) => r.json.type === 'alert.resolved');
    await tabs.getByRole('link', { name: 'Alerts' }).click();
    await row.getByText('ok', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'History' }).click();
    await row.getByText('firing → ok (value 12)').waitFor();
    await row.getByText('ok → firing (value 45)').waitFor();
    await screenshot(page, 'alerts-tab-history');

    // Editing the rule shows the same form, filled in, with its preview; saving changes it.
    await row.getByRole('button', { name: 'Edit' }).click();
    const editForm = page.getByRole('form', { name: 'Edit alert rule Too hot' });
    await editForm
      .getByRole('figure', { name: 'Rule preview' })
      .getByRole('img', { name: /threshold 30; Would have fired/ })
      .waitFor();
    await editForm.getByRole('textbox', { name: 'Threshold' }).fill('40');
    await editForm.getByRole('button', { name: 'Save rule' }).click();
    await editForm.waitFor({ state: 'detached' });
    await row.getByText('last of series 2 over 1 min above 40').waitFor();
  } finally {
    await receiver.close();
  }
});
