import { gunzipSync } from 'node:zlib';
import { afterEach, expect, it } from 'vitest';
import {
  BucketgridClient,
  type BucketgridError,
  type LongRecord,
  RefusedRecordsError,
  type RetryEvent,
} from '../src/index.ts';
import { provision, type ServerUnderTest, startServerUnderTest } from './server.ts';

let server: ServerUnderTest | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

type Fetch = typeof fetch;

/** Every record of the bucket, read through the client. */
async function readAll(client: BucketgridClient, bucketId: string): Promise<LongRecord[]> {
  const all: LongRecord[] = [];
  for await (const page of client.bucket(bucketId).read({ limit: 10_000 })) {
    all.push(...page.records);
  }
  return all;
}

/** Counts requests and their sizes on their way to the real server. */
function countingFetch() {
  const sizes: number[] = [];
  const counted: Fetch = async (input, init) => {
    if (init?.method === 'POST' || init?.method === 'PUT') {
      const body = init.body as Uint8Array;
      const gzip = new Headers(init.headers).get('content-encoding') === 'gzip';
      sizes.push(JSON.parse(Buffer.from(gzip ? gunzipSync(body) : body).toString()).length);
    }
    return fetch(input, init);
  };
  return { sizes, fetch: counted };
}

it('sends by size and by interval, in order, and close() sends the rest', async () => {
  server = await startServerUnderTest();
  const { key, bucketId } = await provision(server.store, 'IV');
  const { sizes, fetch } = countingFetch();
  const client = new BucketgridClient({ url: server.url, apiKey: key, fetch });
  const batcher = client.bucket(bucketId).batcher({ maxRecords: 100, flushIntervalMs: 60_000 });

  for (let i = 0; i < 250; i++) await batcher.add({ k: i % 200, d: [{ sk: 1, v: i }] });
  await batcher.flush();
  expect(sizes).toEqual([100, 100, 50]);
  expect(batcher.pending).toBe(0);

  const quick = client.bucket(bucketId).batcher({ flushIntervalMs: 20 });
  await quick.add([{ k: 1000, d: [{ sk: 1, v: 1 }] }]);
  await expect.poll(() => sizes.length, { interval: 10, timeout: 10_000 }).toBe(4);
  await quick.add({ k: 1001, d: [{ sk: 1, v: 2 }] });
  await quick.close();
  await expect(quick.add({ k: 1002, d: [{ sk: 1, v: 3 }] })).rejects.toThrow(/closed/);

  const records = await readAll(client, bucketId);
  expect(records).toHaveLength(202);
  // Keys 0–49 were added twice; the later values won.
  expect(records[0]).toEqual({ key: 0, data: [{ series_key: 1, value: 200 }] });
  expect(records[199]).toEqual({ key: 199, data: [{ series_key: 1, value: 199 }] });
});

it('keeps batches within 5 MiB and 10,000 records by default', async () => {
  server = await startServerUnderTest();
  const { key, bucketId } = await provision(server.store, 'TSV');
  const { sizes, fetch } = countingFetch();
  const client = new BucketgridClient({ url: server.url, apiKey: key, fetch });
  const batcher = client.bucket(bucketId).batcher();
  const values = Array.from({ length: 100 }, (_, i) => ({ sk: i + 1, v: 0.123456789 + i }));
  // 2,500 records of about 2.6 kB: 6.5 MB in all, so size, not count, splits them.
  for (let i = 0; i < 2_500; i += 500) {
    await batcher.add(Array.from({ length: 500 }, (_, j) => ({ k: i + j, d: values })));
  }
  await batcher.close();
  expect(sizes).toHaveLength(2);
  expect(sizes[0]).toBeGreaterThan(1_500);
  expect(sizes[0]! + sizes[1]!).toBe(2_500);
  expect((await server.store.getBucket(bucketId))?.recordCount).toBe(2_500);
}, 30_000);

it('hands refused records back and still writes the others', async () => {
  server = await startServerUnderTest();
  const { key, bucketId } = await provision(server.store, 'IV');
  const client = new BucketgridClient({ url: server.url, apiKey: key });
  const refused: BucketgridError[] = [];
  const batcher = client
    .bucket(bucketId)
    .batcher({ maxRecords: 2, flushIntervalMs: 60_000, onError: (e) => refused.push(e) });
  await batcher.add([
    { k: 1, d: [{ sk: 1, v: 1 }] },
    { k: 2, d: [{ sk: 1, v: 2 }] },
    { k: 3, d: [{ sk: 1, v: 3 }] },
    { k: 'four', d: [{ sk: 1, v: 4 }] },
    { k: 5, d: [{ sk: 1, v: 5 }] },
  ]);
  const error = await batcher.flush().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RefusedRecordsError);
  expect(error).toMatchObject({
    code: 'invalid_records',
    errors: [{ pointer: '/1/k' }],
    records: [
      { k: 3, d: [{ sk: 1, v: 3 }] },
      { k: 'four', d: [{ sk: 1, v: 4 }] },
    ],
  });
  expect((await readAll(client, bucketId)).map((r) => r.key)).toEqual([1, 2, 5]);

  // Without onError, a refusal in the background is reported by the next flush.
  const quiet = client.bucket(bucketId).batcher({ maxRecords: 1, flushIntervalMs: 60_000 });
  await quiet.add({ k: -0.5, d: [{ sk: 1, v: 1 }] });
  await quiet.add({ k: 6, d: [{ sk: 1, v: 6 }] });
  await expect(quiet.close()).rejects.toMatchObject({ records: [{ k: -0.5 }] });
  expect((await readAll(client, bucketId)).map((r) => r.key)).toEqual([1, 2, 5, 6]);
});

it('loses and duplicates nothing while the server restarts mid-stream', async () => {
  server = await startServerUnderTest();
  const running = server;
  const { key, bucketId } = await provision(running.store, 'TSV');
  const answers: { status: number; inserted?: number; updated?: number }[] = [];
  let requests = 0;
  let restarted: Promise<void> | undefined;
  const flaky: Fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (init?.method !== 'POST') return response;
    requests++;
    const body = (await response.clone().json()) as { inserted?: number; updated?: number };
    answers.push({ status: response.status, ...body });
    if (requests === 5) {
      // The server committed this batch, but its answer never reaches the client, and the
      // server goes away: the client must send it again, to a server that is not up yet.
      restarted = running.restart();
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    }
    return response;
  };
  const retries: RetryEvent[] = [];
  const client = new BucketgridClient({
    url: running.url,
    apiKey: key,
    fetch: flaky,
    retry: { retries: 20, initialDelayMs: 20, maxDelayMs: 500 },
    onRetry: (event) => retries.push(event),
  });
  const batcher = client.bucket(bucketId).batcher({ maxRecords: 100, flushIntervalMs: 5 });
  const t0 = Date.UTC(2025, 0, 1);
  const total = 2_000;
  for (let i = 0; i < total; i += 10) {
    await batcher.add(
      Array.from({ length: 10 }, (_, j) => ({ k: t0 + i + j, d: [{ sk: 1, v: i + j }] })),
    );
    if (i % 200 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await batcher.close();
  await restarted;

  expect(retries.length).toBeGreaterThanOrEqual(1);
  expect(retries[0]?.error.code).toBe('network_error');
  // The batch whose answer was lost went in twice; the second time it only updated.
  expect(answers[4]).toMatchObject({ status: 200, inserted: answers[4]?.inserted });
  expect(answers[5]).toMatchObject({ status: 200, inserted: 0, updated: answers[4]?.inserted });
  const records = await readAll(client, bucketId);
  expect(records).toHaveLength(total);
  expect(records.map((r) => r.key)).toEqual(Array.from({ length: total }, (_, i) => t0 + i));
  expect(records.every((r, i) => r.data[0]?.value === i)).toBe(true);
  expect((await running.store.getBucket(bucketId))?.recordCount).toBe(total);
});

it('waits as long as a rate limit says, then goes on', async () => {
  server = await startServerUnderTest({ keyRateLimitPerMinute: 100 });
  const running = server;
  // One second before the server's rate-limit window ends: Retry-After will say 1.
  running.clock.now = Math.ceil(Date.now() / 60_000) * 60_000 + 59_000;
  const { key, bucketId } = await provision(running.store, 'IV');
  const statuses: { status: number; at: number; retryAfter: string | null }[] = [];
  const limited: Fetch = async (input, init) => {
    const response = await fetch(input, init);
    statuses.push({
      status: response.status,
      at: performance.now(),
      retryAfter: response.headers.get('retry-after'),
    });
    // The window passes on the server's clock while the client waits.
    if (response.status === 429) running.clock.now += 1_000;
    return response;
  };
  const retries: RetryEvent[] = [];
  const client = new BucketgridClient({
    url: running.url,
    apiKey: key,
    fetch: limited,
    onRetry: (event) => retries.push(event),
  });
  const batcher = client.bucket(bucketId).batcher({ maxRecords: 40, flushIntervalMs: 60_000 });
  await batcher.add(Array.from({ length: 160 }, (_, i) => ({ k: i, d: [{ sk: 1, v: i }] })));
  await batcher.close();

  expect(statuses.map((s) => s.status)).toEqual([200, 200, 429, 200, 200]);
  expect(statuses[2]?.retryAfter).toBe('1');
  expect(retries).toHaveLength(1);
  expect(retries[0]).toMatchObject({ error: { code: 'rate_limited', retryAfterSeconds: 1 } });
  expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(1000);
  expect(statuses[3]!.at - statuses[2]!.at).toBeGreaterThanOrEqual(999);
  const records = await readAll(client, bucketId);
  expect(records.map((r) => r.key)).toEqual(Array.from({ length: 160 }, (_, i) => i));
});

it('slows a producer down while the server is away, and catches up after', async () => {
  server = await startServerUnderTest();
  const running = server;
  const { key, bucketId } = await provision(running.store, 'IV');
  let away = true;
  let refusedWhileAway = 0;
  const client = new BucketgridClient({
    url: running.url,
    apiKey: key,
    retry: { retries: 1_000, initialDelayMs: 5, maxDelayMs: 20 },
    fetch: async (input, init) => {
      if (away) {
        refusedWhileAway++;
        throw new TypeError('fetch failed');
      }
      return fetch(input, init);
    },
  });
  const batcher = client.bucket(bucketId).batcher({
    maxRecords: 10,
    maxPendingRecords: 50,
    flushIntervalMs: 5,
  });
  let added = 0;
  const producer = (async () => {
    for (let i = 0; i < 200; i++) {
      await batcher.add({ k: i, d: [{ sk: 1, v: i }] });
      added++;
    }
  })();
  await expect.poll(() => refusedWhileAway, { interval: 5, timeout: 10_000 }).toBeGreaterThan(3);
  expect(added).toBe(49);
  expect(batcher.pending).toBe(50);
  away = false;
  await producer;
  await batcher.close();
  expect((await readAll(client, bucketId)).map((r) => r.key)).toEqual(
    Array.from({ length: 200 }, (_, i) => i),
  );
});
