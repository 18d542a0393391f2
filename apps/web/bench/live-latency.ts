/**
 * From a write's 200 to the widget showing it: the real server (production build, SQLite in a
 * temp dir), a real Chromium with a dashboard open on a stat widget, and WRITES writes over
 * REST, one at a time. Prints the latency distribution; the goal is p99 ≤ 250 ms.
 *
 *   pnpm --filter @bucketgrid/web bench        (after `pnpm --filter @bucketgrid/web build`)
 *
 * The page stamps the moment the widget's text changes (a MutationObserver, Date.now());
 * Node stamps the moment the 200 arrived. Both read the same machine clock.
 */
import { addWidget, createApiKey, createBucket, createDashboard, signUp } from '../e2e/flows.ts';
import { newUser, postRecords, startHarness } from '../e2e/harness.ts';

const WRITES = Number(process.env.WRITES ?? 100);
/** Apart by more than the per-bucket refetch gap, so each write is measured on its own. */
const GAP_MS = Number(process.env.GAP_MS ?? 400);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const harness = await startHarness();
try {
  const page = await harness.newPage();
  await signUp(page, newUser('Bench'));
  const dashboardPath = await createDashboard(page, 'Latency');
  const bucketId = await createBucket(page, dashboardPath, 'Meter', 'TSV');
  const key = await createApiKey(page, dashboardPath, 'bench');
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  await postRecords(harness.url, bucketId, key, [
    { key: Date.now() - 1000, data: [{ series_key: 1, value: 0 }] },
  ]);

  await page.goto(dashboardPath);
  await page.getByRole('button', { name: 'Edit' }).click();
  await addWidget(page, {
    type: 'Stat',
    title: 'Meter now',
    bucket: 'Meter (TSV)',
    series: ['Series 1'],
  });
  await page.getByRole('button', { name: 'Save' }).click();
  const stat = page.getByRole('region', { name: 'Meter now', exact: true });
  await stat.locator('[data-stat-value]').getByText('0', { exact: true }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

  await stat.locator('[data-stat-value]').evaluate((element) => {
    const seen: Record<string, number> = {};
    (window as unknown as { seen: Record<string, number> }).seen = seen;
    new MutationObserver(() => {
      const value = element.firstChild?.textContent?.replaceAll(',', '') ?? '';
      seen[value] ??= Date.now();
    }).observe(element, { subtree: true, childList: true, characterData: true });
  });

  const latencies: number[] = [];
  for (let i = 1; i <= WRITES; i++) {
    const written = await postRecords(harness.url, bucketId, key, [
      { key: Date.now(), data: [{ series_key: 1, value: i }] },
    ]);
    const okAt = Date.now();
    if (written.status !== 200) throw new Error(`write ${i}: ${written.status}`);
    const shownAt = await page.waitForFunction(
      (value) => (window as unknown as { seen: Record<string, number> }).seen[value],
      String(i),
      { polling: 'raf', timeout: 10_000 },
    );
    latencies.push(Math.max(0, ((await shownAt.jsonValue()) as number) - okAt));
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }

  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  console.log(`write 200 → widget shows it, ${WRITES} writes, ${GAP_MS} ms apart`);
  console.log('| min | p50 | p90 | p99 | max | mean |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(
    `| ${sorted[0]} ms | ${percentile(sorted, 50)} ms | ${percentile(sorted, 90)} ms | ${percentile(sorted, 99)} ms | ${sorted.at(-1)} ms | ${mean.toFixed(1)} ms |`,
  );
} finally {
  await harness.stop();
}
