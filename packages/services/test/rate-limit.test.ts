import { openStore, type RateWindowChange, type Store } from '@bucketgrid/store';
import { createTestDatabase, type TestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchedWindowLimiter, type RateCounters, SharedWindowLimiter } from '../src/rate-limit.ts';

/*
 * Two limiters on one store stand for two server processes of one deployment: whatever one
 * counts, the other must see. The store is real (SQLite here, MongoDB with MONGODB_URI).
 */

let database: TestDatabase;
let store: Store;
beforeAll(async () => {
  database = createTestDatabase('rate-limit');
  store = await openStore(database.url);
});
afterAll(async () => {
  await store.close();
  await database.destroy();
});

const MINUTE = 60_000;
/** The start of a window, so a test never straddles two. */
const at = 1_800_000_000_000;
let scopes = 0;
const scope = () => `test-${++scopes}`;

/** The store's counters, counting the calls, failing while `failWith` is set. */
function countedCounters() {
  const counters = {
    calls: 0,
    failWith: undefined as Error | undefined,
    async countRateWindows(changes: readonly RateWindowChange[]) {
      counters.calls++;
      if (counters.failWith) throw counters.failWith;
      return store.countRateWindows(changes);
    },
  };
  return counters satisfies RateCounters;
}

describe('SharedWindowLimiter', () => {
  it('holds one limit across processes: a process refuses once the others used it up', async () => {
    const name = scope();
    const a = new SharedWindowLimiter(store, name, 5, MINUTE);
    const b = new SharedWindowLimiter(store, name, 5, MINUTE);
    for (let i = 0; i < 3; i++) expect((await a.consume('1.2.3.4', 1, at)).allowed).toBe(true);
    expect(await b.consume('1.2.3.4', 1, at)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await b.consume('1.2.3.4', 1, at)).toMatchObject({ allowed: true, remaining: 0 });
    expect(b.peek('1.2.3.4', at).allowed).toBe(false);
    // A has not counted since: it learns with its next spend, which is refused.
    expect(a.peek('1.2.3.4', at).allowed).toBe(true);
    expect(await a.consume('1.2.3.4', 1, at)).toMatchObject({ allowed: false, remaining: 0 });
    expect(a.peek('1.2.3.4', at)).toMatchObject({ allowed: false, resetSeconds: 60 });
    // Other ids and the next window are apart.
    expect((await a.consume('5.6.7.8', 1, at)).allowed).toBe(true);
    expect((await a.consume('1.2.3.4', 1, at + MINUTE)).allowed).toBe(true);
  });

  it('lets exactly the limit through when attempts race on several processes', async () => {
    const name = scope();
    const processes = [0, 1, 2].map(() => new SharedWindowLimiter(store, name, 7, MINUTE));
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => processes[i % 3]!.consume('x', 1, at)),
    );
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(7);
    // Refused attempts spent nothing; a refund makes room for exactly one more.
    await processes[0]!.refund('x', 1, at);
    expect((await processes[1]!.consume('x', 1, at)).allowed).toBe(true);
    expect((await processes[2]!.consume('x', 1, at)).allowed).toBe(false);
  });

  it('keeps no id in the clear in the store', async () => {
    const counters = countedCounters();
    const seen: string[] = [];
    const spy: RateCounters = {
      countRateWindows: (changes) => {
        seen.push(...changes.map((change) => change.key));
        return counters.countRateWindows(changes);
      },
    };
    await new SharedWindowLimiter(spy, 'sign-in-email', 5, MINUTE).consume(
      'victim@example.com',
      1,
      at,
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toContain('victim');
  });
});

describe('BatchedWindowLimiter', () => {
  it('decides without the store, and shares what it spent in one call per sync', async () => {
    const counters = countedCounters();
    const a = new BatchedWindowLimiter(counters, scope(), 1_000, MINUTE, { syncMs: 60_000 });
    for (let i = 0; i < 500; i++) expect(a.consume(`key-${i % 10}`, 1, at).allowed).toBe(true);
    expect(counters.calls).toBe(0);
    await a.sync();
    expect(counters.calls).toBe(1);
    await a.stop();
  });

  it('holds one limit across processes, up to what they admit between syncs', async () => {
    const name = scope();
    const options = { syncMs: 60_000 };
    const a = new BatchedWindowLimiter(store, name, 100, MINUTE, options);
    const b = new BatchedWindowLimiter(store, name, 100, MINUTE, options);
    expect(a.consume('key', 60, at).allowed).toBe(true);
    await a.sync();
    // B has not synced: it admits from what it knows (nothing yet)...
    expect(b.consume('key', 30, at).allowed).toBe(true);
    await b.sync();
    // ...and from then on knows the 90 spent together.
    expect(b.consume('key', 20, at)).toMatchObject({ allowed: false, remaining: 10 });
    expect(b.consume('key', 10, at).allowed).toBe(true);
    await b.sync();
    await a.sync();
    expect(a.consume('key', 10, at).allowed).toBe(true); // A still knows only its own 60
    await a.sync();
    // Together 110 of 100: the overspend is what A admitted before it synced.
    expect(a.consume('key', 1, at)).toMatchObject({ allowed: false, remaining: 0 });
    await Promise.all([a.stop(), b.stop()]);
  });

  it('keeps what it could not send, and sends it once the store answers again', async () => {
    const counters = countedCounters();
    const errors: unknown[] = [];
    const name = scope();
    const a = new BatchedWindowLimiter(counters, name, 100, MINUTE, {
      syncMs: 60_000,
      onSyncError: (error) => errors.push(error),
    });
    counters.failWith = new Error('no primary');
    expect(a.consume('key', 40, at).allowed).toBe(true);
    await a.sync();
    expect(errors).toHaveLength(1);
    // Still counted here meanwhile.
    expect(a.consume('key', 61, at).allowed).toBe(false);
    counters.failWith = undefined;
    await a.stop();
    const b = new BatchedWindowLimiter(store, name, 100, MINUTE, { syncMs: 60_000 });
    b.consume('key', 1, at);
    await b.sync();
    expect(b.consume('key', 60, at)).toMatchObject({ allowed: false, remaining: 59 });
    await b.stop();
  });
});
