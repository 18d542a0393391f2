import { AppError } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import { ReadLimits } from '../src/read-limits.ts';

/** A read the test finishes when it chooses. */
function heldRead() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { finish, read: () => done.then(() => 'read') };
}

describe('read limits', () => {
  it('runs one read per principal at a time, others beside it, and refuses past the queue', async () => {
    const limits = new ReadLimits({ concurrency: 1, maxWaiting: 2, perMinute: 100, now: Date.now });
    const first = heldRead();
    const started: string[] = [];
    const running = limits.run('key:a', first.read);
    const queued = [1, 2].map((n) =>
      limits.run('key:a', async () => {
        started.push(`a${n}`);
        return n;
      }),
    );
    // The queue of key:a is full: a fourth read is refused at once, with a retry hint.
    await expect(limits.run('key:a', async () => 0)).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 1,
    });
    // Another principal is not held up by key:a.
    expect(await limits.run('user:b', async () => 'b')).toBe('b');
    expect(started).toEqual([]);
    first.finish();
    expect(await running).toBe('read');
    expect(await Promise.all(queued)).toEqual([1, 2]);
    expect(started).toEqual(['a1', 'a2']);
  });

  it('refuses reads past the rate of a minute until the next minute', async () => {
    let now = 60_000 * 1_000;
    const limits = new ReadLimits({ concurrency: 4, maxWaiting: 4, perMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++) await limits.run('share:s', async () => i);
    now += 30_000;
    const refused = await limits.run('share:s', async () => 3).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 30 });
    expect(await limits.run('key:other', async () => 'other')).toBe('other');
    now += 30_000;
    expect(await limits.run('share:s', async () => 'again')).toBe('again');
  });
});
