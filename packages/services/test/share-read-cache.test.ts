import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ShareReadCache } from '../src/share-read-cache.ts';

describe('ShareReadCache', () => {
  it('answers a key once while it lasts, then reads again', async () => {
    const cache = new ShareReadCache({ ttlMs: 50, maxEntries: 8 });
    let reads = 0;
    const read = () => cache.read('k', async () => ++reads);
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    await sleep(60);
    expect(await read()).toBe(2);
  });

  it('keeps no error: the next viewer reads again', async () => {
    const cache = new ShareReadCache({ ttlMs: 10_000, maxEntries: 8 });
    await expect(cache.read('k', async () => Promise.reject(new Error('busy')))).rejects.toThrow(
      'busy',
    );
    expect(await cache.read('k', async () => 'fresh')).toBe('fresh');
  });

  it('holds at most its entries, however many distinct reads are asked', async () => {
    const cache = new ShareReadCache({ ttlMs: 10_000, maxEntries: 8 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => cache.read(`k${i}`, async () => i)));
    expect(cache.size).toBe(8);
    // The newest are kept.
    expect(await cache.read('k99', async () => -1)).toBe(99);
  });
});
