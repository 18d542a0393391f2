import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import { settleUpkeep } from './contract/context.ts';

/* MongoDB's TTL monitor removes expired counters about once a minute; SQLite's upkeep does. */

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-rate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('forgets counters whose window has ended, in upkeep, and keeps the others', async () => {
  const store = await openStore(`file:${join(dir, 'rate.db')}`);
  try {
    const ended = { key: 'ended', delta: 3, expiresAt: Date.now() - 1 };
    const running = { key: 'running', delta: 3, expiresAt: Date.now() + 60_000 };
    await store.countRateWindows([ended, running]);
    await settleUpkeep(store);
    expect(await store.countRateWindows([ended, running])).toEqual([3, 6]);
  } finally {
    await store.close();
  }
});
