import { expect, test } from 'vitest';
import {
  addMember,
  addWidget,
  createApiKey,
  createBucket,
  createDashboard,
  signUp,
} from './flows.ts';
import { newUser, postRecords, useHarness } from './harness.ts';

const harness = useHarness();

test('editing: resize and save, a clear conflict when someone saved first, a deleted bucket, a safe note', async () => {
  const first = await harness.newPage();
  const secondUser = newUser('Sol');
  const second = await harness.newPage();
  // Whatever the server's Content-Security-Policy refuses is recorded here (there must be none).
  await first.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await signUp(first, newUser('Fay'));
  await signUp(second, secondUser);
  const dashboardPath = await createDashboard(first, 'Shop floor');
  const bucketId = await createBucket(first, dashboardPath, 'Spindle', 'IV');
  const key = await createApiKey(first, dashboardPath, 'spindle');
  await first.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  await addMember(first, dashboardPath, secondUser.email, 'admin');
  await postRecords(harness.url, bucketId, key, [
    { key: 1, data: [{ series_key: 1, value: 3 }] },
    { key: 2, data: [{ series_key: 1, value: 4 }] },
  ]);

  // Both admins open the editor on the same version.
  await first.goto(dashboardPath);
  await second.goto(dashboardPath);
  await first.getByRole('button', { name: 'Edit' }).click();
  await second.getByRole('button', { name: 'Edit' }).click();

  // The first adds a stat and a note, resizes the stat, and saves.
  await addWidget(first, {
    type: 'Stat',
    title: 'Speed',
    bucket: 'Spindle (IV)',
    series: ['Series 1'],
  });
  await addWidget(first, {
    type: 'Text',
    title: 'Read me',
    markdown:
      '**Careful**: <img src=x onerror="window.pwned=1"> [run](javascript:window.pwned=2) [docs](https://example.com/)',
  });
  const speed = first.getByRole('region', { name: 'Speed', exact: true });
  await speed.getByText('4', { exact: true }).waitFor();
  const before = await speed.boundingBox();
  const handle = first
    .locator('.react-grid-item', { has: speed })
    .locator('.react-resizable-handle');
  const grip = await handle.boundingBox();
  await first.mouse.move(grip!.x + grip!.width / 2, grip!.y + grip!.height / 2);
  await first.mouse.down();
  await first.mouse.move(grip!.x + 200, grip!.y + 90, { steps: 8 });
  await first.mouse.up();
  await expect
    .poll(async () => (await speed.boundingBox())!.width)
    .toBeGreaterThan(before!.width + 100);
  // The drag library's selection style is in our stylesheet: nothing injected a <style>.
  await expect(first.locator('style').count()).resolves.toBe(0);
  await expect(
    first.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  ).resolves.toEqual([]);
  await first.getByRole('button', { name: 'Save' }).click();
  await first.getByRole('button', { name: 'Edit' }).waitFor();

  // The note is Markdown without HTML: no image, no script URL, a real link.
  const note = first.getByRole('region', { name: 'Read me', exact: true });
  await note.getByText('Careful').waitFor();
  await expect(note.locator('img').count()).resolves.toBe(0);
  await expect(note.getByRole('link', { name: 'run' }).count()).resolves.toBe(0);
  await expect(note.getByRole('link', { name: 'docs' }).getAttribute('href')).resolves.toBe(
    'https://example.com/',
  );
  await note.getByText('run').click();
  await expect(
    first.evaluate(() => (window as unknown as { pwned?: number }).pwned),
  ).resolves.toBeUndefined();

  // The second saves on the old version: a conflict, said plainly, and a way to load theirs.
  await addWidget(second, { type: 'Table', title: 'Spindle log', bucket: 'Spindle (IV)' });
  await second.getByRole('button', { name: 'Save' }).click();
  const conflict = second.getByRole('alert').filter({ hasText: 'Someone else saved this layout' });
  await conflict.waitFor();
  await conflict.getByRole('button', { name: /Load their version/ }).click();
  await second.getByRole('region', { name: 'Speed', exact: true }).waitFor();
  await expect(
    second.getByRole('region', { name: 'Spindle log', exact: true }).count(),
  ).resolves.toBe(0);

  // The stat's size survived the reload.
  await first.reload();
  const reloaded = await first.getByRole('region', { name: 'Speed', exact: true }).boundingBox();
  expect(Math.abs(reloaded!.width - (await speed.boundingBox())!.width)).toBeLessThan(2);

  // A widget whose bucket is deleted says so; the rest of the grid carries on.
  await first.goto(`${dashboardPath}/buckets/${bucketId}`);
  await first.getByRole('button', { name: 'Delete bucket' }).click();
  await first.getByLabel('Type Spindle to confirm').fill('Spindle');
  await first.getByRole('dialog').getByRole('button', { name: 'Delete bucket' }).click();
  await first
    .getByRole('heading', { name: 'Buckets', exact: true })
    .or(first.getByRole('form', { name: 'Create a bucket' }))
    .first()
    .waitFor();
  await first.goto(dashboardPath);
  await first
    .getByRole('region', { name: 'Speed', exact: true })
    .getByText('The bucket this widget showed was deleted.')
    .waitFor();
  await first.getByRole('region', { name: 'Read me', exact: true }).getByText('Careful').waitFor();
});
