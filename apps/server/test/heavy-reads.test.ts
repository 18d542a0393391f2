import {
  type DataRecord,
  READ_FIGURES_BUDGET,
  READ_RAW_RECORDS_BUDGET,
  type SeriesValues,
} from '@bucketgrid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';

/**
 * The heavy bucket of the reads issue, scaled for CI: 200,000 records of 100 series, 10 ms
 * apart. Its heaviest reads run on the reader threads within their budgets, while a normal
 * client's writes and reads keep being answered.
 */
const RECORDS = 200_000;
const SERIES = 100;
const STEP_MS = 10;
const FIRST = Date.UTC(2025, 0, 1);

let server: TestServer;
let heavy: Awaited<ReturnType<typeof provision>>;
let normal: Awaited<ReturnType<typeof provision>>;

beforeAll(async () => {
  server = await startTestServer();
  heavy = await provision(server.store, 'TSV', 1_000_000);
  normal = await provision(server.store, 'TSV');
  // Through the store in bulk: each batch one group commit.
  for (let start = 0; start < RECORDS; start += 10_000) {
    const records: DataRecord[] = [];
    for (let i = start; i < start + 10_000; i++) {
      const values: SeriesValues = {};
      for (let sk = 1; sk <= SERIES; sk++) values[sk] = (i + sk) % 1000;
      records.push({ key: FIRST + i * STEP_MS, values });
    }
    await server.store.upsertRecords(heavy.bucket, records, 'merge');
  }
  // Upkeep computes the stored figures, as it would have long since on a server in use.
  for (let step = 0; step < 100_000; step++) {
    if (!(await server.store.maintain(Date.now() + 60_000)).more) break;
  }
  // The keys were made by the real clock, after the server's test clock was set.
  server.clock.now = Date.now();
}, 600_000);

afterAll(async () => {
  await server?.stopAll();
});

const downsampleUrl = (query: string) =>
  `${server.url}/api/buckets/${heavy.bucket.id}/downsample?${query}`;

describe('reads of a heavy bucket', () => {
  it('leave writes and other reads answered while the heaviest reads run', {
    timeout: 300_000,
  }, async () => {
    // The heaviest reads there are: every point allowed, every series, the whole range (its
    // cells still dirty from the bulk insert), and the largest page of records.
    let inFlight = 0;
    const heavyRead = (url: string) => {
      inFlight += 1;
      return call(url, { key: heavy.key }).finally(() => {
        inFlight -= 1;
      });
    };
    // One write touching a cell in every 10 s leaves them all to recompute from the records.
    const touches: DataRecord[] = [];
    for (let key = FIRST; key < FIRST + RECORDS * STEP_MS; key += 10_000) {
      touches.push({ key: key + 5, values: { 1: 1 } });
    }
    await server.store.upsertRecords(heavy.bucket, touches, 'merge');
    const heavies = [
      heavyRead(downsampleUrl('points=5000')),
      heavyRead(`${server.url}/api/buckets/${heavy.bucket.id}?limit=10000`),
    ];
    // A normal client: a write then a read of its own bucket, in turn, counted while any heavy
    // read is still in flight. On the event loop (as before the reader threads) none could
    // complete until the heavy reads had.
    let completedDuring = 0;
    for (let i = 0; i < 5; i++) {
      const written = await call(`${server.url}/api/buckets/${normal.bucket.id}`, {
        method: 'POST',
        key: normal.key,
        body: [{ k: FIRST + i, d: [{ sk: 1, v: i }] }],
      });
      expect(written.status).toBe(200);
      const read = await call(`${server.url}/api/buckets/${normal.bucket.id}?limit=10`, {
        key: normal.key,
      });
      expect(read.status, read.text).toBe(200);
      expect(read.json.records).toHaveLength(i + 1);
      if (inFlight > 0) completedDuring += 1;
    }
    const [downsampled, page] = await Promise.all(heavies);
    expect(downsampled!.status).toBe(200);
    expect(page!.status).toBe(200);
    expect(page!.json.records).toHaveLength(10_000);
    expect(completedDuring).toBeGreaterThan(0);
  });

  it('coarsens a read over its budget and says so', { timeout: 120_000 }, async () => {
    const { status, json } = await call(downsampleUrl('points=5000'), { key: heavy.key });
    expect(status).toBe(200);
    expect(json.coarsened).toMatchObject({ requestedPoints: 5000 });
    expect(json.keys.length * Object.keys(json.series).length).toBeLessThanOrEqual(
      READ_FIGURES_BUDGET + SERIES,
    );
    // 2,000 s at 10 ms: 5,000 points would be 400 ms intervals, folded from 200,000 records.
    expect(json.interval).toBeGreaterThanOrEqual(10_000);
    expect(READ_RAW_RECORDS_BUDGET).toBeLessThan(RECORDS);
  });

  it('answers points=1 over the whole bucket with one interval', { timeout: 120_000 }, async () => {
    const { status, json } = await call(downsampleUrl('points=1'), { key: heavy.key });
    expect(status).toBe(200);
    expect(json.keys).toHaveLength(1);
    expect(json.count.length).toBe(1);
  });
});
