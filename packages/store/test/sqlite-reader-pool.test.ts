import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toMinRecord } from '@bucketgrid/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/open-store.ts';
import { LIGHT_READ_RECORDS, ReaderPool, type ReadsOf } from '../src/sqlite/reader-pool.ts';
import { StoreUnavailable } from '../src/store.ts';
import { ownedDashboard } from './owned-dashboard.ts';

/** The reader threads of the SQLite store (src/sqlite/reader-pool.ts). */

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fallback of pools under test: no read may run anywhere but on the threads. */
const notOnThreads: ReadsOf = {
  readRecords: () => Promise.reject(new Error('not ready')),
  readRecordsJson: () => Promise.reject(new Error('not ready')),
  downsampleRecords: () => Promise.reject(new Error('not ready')),
  downsampleRecordsJson: () => Promise.reject(new Error('not ready')),
};

/** Asks again every 100 ms (threads warming up, a rest running out) until `read` answers. */
async function untilAnswered<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const answer = await read().then(
      (result) => ({ result }),
      () => undefined,
    );
    if (answer) return answer.result;
    expect(attempt).toBeLessThan(600);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function storeWithBucket(
  name: string,
  options: { timeoutMs?: number; readerThreads?: number } = {},
) {
  const store = await openStore(`file:${join(dir, `${name}.db`)}`, options);
  const dashboard = await ownedDashboard(store, name);
  const bucket = await store.createBucket({ dashboardId: dashboard.id, name, type: 'TSV' });
  return { store, bucket };
}

describe('SQLite reader threads', () => {
  it('see every write acknowledged before the read started, under concurrent writes', async () => {
    const { store, bucket } = await storeWithBucket('visibility');
    // Writes in flight on the writer while each read goes to a reader thread: every read must
    // see at least the writes acknowledged before it was asked.
    let acknowledged = 0;
    const writes = Array.from({ length: 100 }, (_, i) =>
      store.upsertRecords(bucket, [{ key: i, values: { 1: i } }], 'merge').then(() => {
        acknowledged = Math.max(acknowledged, i + 1);
      }),
    );
    const reads: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      await writes[i];
      const expected = acknowledged;
      reads.push(
        store.readRecords(bucket, { order: 'asc', limit: 10_000 }).then(({ records }) => {
          expect(records.length).toBeGreaterThanOrEqual(expected);
        }),
        store.downsampleRecords(bucket, { points: 5_000 }).then((answer) => {
          expect(answer.keys.length).toBeGreaterThanOrEqual(expected);
        }),
      );
    }
    await Promise.all([...writes, ...reads]);
    expect((await store.downsampleRecords(bucket, { points: 5_000 })).keys).toHaveLength(100);
    await store.close();
  }, 60_000);

  // Reads run on the server's own connection until a thread is ready (and always without
  // threads), beside the statements of other reads (series summaries pluck theirs).
  it.each([0, 2])(
    'answer a downsampled read after a series summary in full (%i threads)',
    async (readerThreads) => {
      const { store, bucket } = await storeWithBucket(`summary-${readerThreads}`, {
        readerThreads,
      });
      await store.upsertRecords(
        bucket,
        [1, 2, 3].map((key) => ({ key, values: { 1: key } })),
        'merge',
      );
      for (let round = 0; round < 3; round++) {
        expect((await store.seriesSummary(bucket)).series).toEqual([{ sk: 1, values: 3 }]);
        expect((await store.downsampleRecords(bucket, { points: 10 })).keys).toEqual([1, 2, 3]);
        expect((await store.readRecords(bucket, { order: 'asc', limit: 10 })).records).toHaveLength(
          3,
        );
      }
      await store.close();
    },
    60_000,
  );

  it('fail reads that wait or run at close with StoreUnavailable, and refuse reads after it', async () => {
    const { store, bucket } = await storeWithBucket('closing');
    await store.upsertRecords(bucket, [{ key: 1, values: { 1: 1 } }], 'merge');
    const inFlight = Array.from({ length: 10 }, () =>
      store.readRecords(bucket, { order: 'asc', limit: 10 }).then(
        (result) => result.records.length,
        (error: unknown) => error,
      ),
    );
    await store.close();
    for (const outcome of await Promise.all(inFlight)) {
      if (typeof outcome !== 'number') expect(outcome).toBeInstanceOf(StoreUnavailable);
      else expect(outcome).toBe(1);
    }
    await expect(store.readRecords(bucket, { order: 'asc', limit: 10 })).rejects.toBeInstanceOf(
      StoreUnavailable,
    );
  }, 60_000);

  it('run a light read at once while heavy reads fill the queue', async () => {
    const { store, bucket: big } = await storeWithBucket('lanes');
    const small = await store.createBucket({
      dashboardId: big.dashboardId,
      name: 's',
      type: 'TSV',
    });
    await store.upsertRecords(small, [{ key: 1, values: { 1: 1 } }], 'merge');
    for (let start = 0; start < 3 * LIGHT_READ_RECORDS; start += 5_000) {
      const records = Array.from({ length: 5_000 }, (_, i) => {
        const values: Record<number, number> = {};
        for (let sk = 1; sk <= 20; sk++) values[sk] = start + i + sk;
        return { key: start + i, values };
      });
      await store.upsertRecords(big, records, 'merge');
    }
    const [bigNow, smallNow] = [await store.getBucket(big.id), await store.getBucket(small.id)];
    await store.close();

    const pool = new ReaderPool(
      join(dir, 'lanes.db'),
      {
        threads: 2,
        maxWaiting: 64,
        timeoutMs: 60_000,
        recordCount: (id) => (id === big.id ? bigNow! : smallNow!).recordCount,
      },
      notOnThreads,
    );
    pool.warmUp();
    const lightRead = () => pool.readRecords(smallNow!, { order: 'asc', limit: 10 });
    await untilAnswered(lightRead);

    const finished: string[] = [];
    const heavy = Array.from({ length: 6 }, (_, i) =>
      pool
        .readRecords(bigNow!, { order: 'asc', limit: 3 * LIGHT_READ_RECORDS })
        .then(() => finished.push(`heavy ${i}`)),
    );
    const light = lightRead().then(({ records }) => {
      finished.push('light');
      return records.length;
    });
    expect(await light).toBe(1);
    await Promise.all(heavy);
    // One heavy read runs beside the light one; every other waits for the thread it may use.
    expect(finished.indexOf('light')).toBeLessThanOrEqual(1);
    // Asked for as JSON, a downsampled read comes from a thread (nothing else answers here)
    // as the text of the same answer.
    const query = { points: 1_000 };
    const text = (await pool.downsampleRecordsJson(bigNow!, query)).toString();
    expect(text).toBe(JSON.stringify(await pool.downsampleRecords(bigNow!, query)));
    expect(text.length).toBeGreaterThan(100_000);
    const pageQuery = { order: 'desc' as const, limit: 50 };
    const page = await pool.readRecords(bigNow!, pageQuery);
    const json = await pool.readRecordsJson(bigNow!, pageQuery, 'min');
    expect(json.records.toString()).toBe(JSON.stringify(page.records.map(toMinRecord)));
    expect(json).toMatchObject({ hasMore: true, lastKey: page.records.at(-1)!.key });
    await pool.close();
  }, 120_000);

  it('while the event loop is busy, starts no heavy read for a while after one, and holds no light read meanwhile', async () => {
    const { pool, heavyRead, lightRead } = await poolWithHeavyBucket('rest');
    const page = await whileLoopBusy(() => untilAnswered(heavyRead));
    // Just after a heavy read that ran beside a busy loop: both threads are free, yet a heavy
    // read may not start...
    await expect(heavyRead()).rejects.toBeInstanceOf(StoreUnavailable);
    // ...while a light one does.
    expect((await lightRead()).records).toHaveLength(10);
    // After the rest, heavy reads run again.
    expect((await untilAnswered(heavyRead)).records).toEqual(page.records);
    await pool.close();
  }, 120_000);

  it('rests after no heavy-lane read that was cheap, even beside a busy loop', async () => {
    const { pool, heavyChart } = await poolWithHeavyBucket('cheap');
    await untilAnswered(heavyChart);
    // A chart of a large bucket reads its stored figures: a millisecond or two of CPU.
    await whileLoopBusy(heavyChart);
    expect((await heavyChart()).count).toHaveLength(10);
    await pool.close();
  }, 120_000);

  it('runs heavy reads one after the other while the event loop is idle', async () => {
    const { pool, heavyChart } = await poolWithHeavyBucket('idle');
    await untilAnswered(heavyChart);
    // A dashboard of large buckets opening: each chart reads them all, and answers 10 points
    // (a page of 10,000 records would keep the loop busy taking its answer).
    for (let i = 0; i < 3; i++) expect((await heavyChart()).count).toHaveLength(10);
    await pool.close();
  }, 120_000);
});

/** A pool of two threads that refuses any read it cannot start, and a bucket for heavy reads. */
async function poolWithHeavyBucket(name: string) {
  const { store, bucket } = await storeWithBucket(name);
  for (let start = 0; start < 2 * LIGHT_READ_RECORDS; start += 5_000) {
    const records = Array.from({ length: 5_000 }, (_, i) => ({
      key: start + i,
      // 20 series: a page of them all costs its thread 10 ms of CPU and more.
      values: Object.fromEntries(Array.from({ length: 20 }, (_, sk) => [sk + 1, i * sk])),
    }));
    await store.upsertRecords(bucket, records, 'merge');
  }
  const heavyBucket = (await store.getBucket(bucket.id))!;
  await store.close();
  // Nothing may wait: a heavy read that may not start is refused, which shows the rest.
  const pool = new ReaderPool(
    join(dir, `${name}.db`),
    { threads: 2, maxWaiting: 0, timeoutMs: 60_000, recordCount: () => heavyBucket.recordCount },
    notOnThreads,
  );
  pool.warmUp();
  return {
    pool,
    heavyRead: () => pool.readRecords(heavyBucket, { order: 'asc', limit: 2 * LIGHT_READ_RECORDS }),
    lightRead: () => pool.readRecords(heavyBucket, { order: 'asc', limit: 10 }),
    heavyChart: () => pool.downsampleRecords(heavyBucket, { points: 10 }),
  };
}

/** Runs `work` with the event loop busy 8 ms of every 10, as a server ingesting hard. */
async function whileLoopBusy<T>(work: () => Promise<T>): Promise<T> {
  const spin = setInterval(() => {
    const end = performance.now() + 8;
    while (performance.now() < end);
  }, 10);
  try {
    return await work();
  } finally {
    clearInterval(spin);
  }
}
