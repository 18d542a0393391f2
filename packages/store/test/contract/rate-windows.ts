import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store.ts';
import type { ContractContext } from './context.ts';

/** Rate-limit counters: what lets limits hold across server processes. */
export function rateWindowsContract(t: ContractContext): void {
  describe('rate windows', () => {
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });
    const expiresAt = () => Date.now() + 60_000;

    it('counts atomically: concurrent counts each see a distinct total', async () => {
      const key = t.unique('key');
      const totals = await Promise.all(
        Array.from({ length: 40 }, () =>
          store.countRateWindows([{ key, delta: 1, expiresAt: expiresAt() }]),
        ),
      );
      expect(totals.map(([total]) => total).sort((a, b) => a! - b!)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    });

    it('counts several counters at once, apart from each other, and takes units back', async () => {
      const [a, b] = [t.unique('a'), t.unique('b')];
      expect(
        await store.countRateWindows([
          { key: a, delta: 5, expiresAt: expiresAt() },
          { key: b, delta: 2, expiresAt: expiresAt() },
        ]),
      ).toEqual([5, 2]);
      expect(await store.countRateWindows([{ key: a, delta: -3, expiresAt: expiresAt() }])).toEqual(
        [2],
      );
      expect(await store.countRateWindows([{ key: b, delta: 0, expiresAt: expiresAt() }])).toEqual([
        2,
      ]);
      expect(await store.countRateWindows([])).toEqual([]);
    });
  });
}
