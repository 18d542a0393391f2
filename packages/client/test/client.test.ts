import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BucketgridClient,
  BucketgridError,
  type LongRecord,
  type MinRecord,
} from '../src/index.ts';
import { parseRetryAfter } from '../src/transport.ts';
import { provision, type ServerUnderTest, startServerUnderTest } from './server.ts';

let server: ServerUnderTest;

beforeAll(async () => {
  server = await startServerUnderTest();
});
afterAll(() => server.stop());

async function setup(type: 'TSV' | 'KV' | 'IV' = 'TSV', options = {}) {
  const { key, bucketId } = await provision(server.store, type);
  const client = new BucketgridClient({ url: server.url, apiKey: key, ...options });
  return { key, bucketId, client, bucket: client.bucket(bucketId) };
}

async function collect<R>(pages: AsyncIterable<{ records: R[] }>) {
  const all: R[][] = [];
  for await (const page of pages) all.push(page.records);
  return all;
}

describe('calls', () => {
  it('writes (merge and replace), reads pages in both forms, deletes and purges', async () => {
    const { bucket } = await setup('TSV');
    const t0 = Date.UTC(2025, 9, 20, 10);
    expect(
      await bucket.write([
        { key: new Date(t0), data: [{ series_key: 1, value: 1 }] },
        { k: '2025-10-20T10:00:01Z', d: [{ sk: 1, v: 2 }] },
      ]),
    ).toEqual({ written: 2, inserted: 2, updated: 0 });
    expect(await bucket.write([{ k: t0, d: [{ sk: 2, v: null }] }])).toEqual({
      written: 1,
      inserted: 0,
      updated: 1,
    });
    const [[first]] = (await collect(bucket.read({ to: t0 }))) as [[LongRecord]];
    expect(first).toEqual({
      key: t0,
      data: [
        { series_key: 1, value: 1 },
        { series_key: 2, value: null },
      ],
    });
    await bucket.put([{ k: t0, d: [{ sk: 3, v: 3 }] }]);

    await bucket.write(
      Array.from({ length: 23 }, (_, i) => ({ k: t0 + 10_000 + i, d: [{ sk: 1, v: i }] })),
    );
    const pages = await collect(bucket.read({ format: 'min', limit: 10, order: 'desc' }));
    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    const flat = pages.flat() as MinRecord[];
    expect(flat[0]).toEqual({ k: t0 + 10_022, d: [{ sk: 1, v: 22 }] });
    expect(flat.at(-1)).toEqual({ k: t0, d: [{ sk: 3, v: 3 }] });

    expect(await bucket.delete({ keys: [new Date(t0), t0 + 1000] })).toEqual({ deleted: 2 });
    expect(await bucket.delete({ from: t0 + 10_000, to: t0 + 10_009 })).toEqual({ deleted: 10 });
    expect(await bucket.purge()).toEqual({ deleted: 13 });
    expect(await collect(bucket.read())).toEqual([[]]);
  });

  it('passes on the warning for keys that look like seconds, typed', async () => {
    const { bucket } = await setup('TSV');
    const result = await bucket.write([{ k: 1_760_954_400, d: [{ sk: 1, v: 1 }] }]);
    const codes: 'keys_look_like_seconds'[] = (result.warnings ?? []).map((w) => w.code);
    expect(codes).toEqual(['keys_look_like_seconds']);
  });

  it('stops reading when the loop stops', async () => {
    const { bucket } = await setup('IV');
    await bucket.write(Array.from({ length: 30 }, (_, i) => ({ k: i, d: [{ sk: 1, v: i }] })));
    let pages = 0;
    for await (const page of bucket.read({ limit: 10, from: 5 })) {
      pages++;
      expect(page.records[0]).toEqual({ key: 5, data: [{ series_key: 1, value: 5 }] });
      break;
    }
    expect(pages).toBe(1);
  });

  it('reads a range downsampled', async () => {
    const { bucket } = await setup('IV');
    await bucket.write(
      Array.from({ length: 100 }, (_, i) => ({
        k: i,
        d: [
          { sk: 1, v: i },
          { sk: 2, v: -i },
        ],
      })),
    );
    const result = await bucket.downsample({ from: 0, to: 99, points: 10, series: [1] });
    expect(result.interval).toBe(10);
    expect(result.keys).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(result.count).toEqual(Array(10).fill(10));
    expect(Object.keys(result.series)).toEqual(['1']);
    expect(result.series[1]).toMatchObject({ min: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90] });
    expect(result.series[1]?.last[9]).toBe(99);
    expect(result.truncated).toBe(false);
  });

  it('gzips large writes', async () => {
    const encodings: (string | null)[] = [];
    const { bucket } = await setup('KV', {
      compressAboveBytes: 1024,
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        encodings.push(new Headers(init?.headers).get('content-encoding'));
        return fetch(input, init);
      },
    });
    await bucket.write([{ k: 'small', d: [{ sk: 1, v: 1 }] }]);
    const many = Array.from({ length: 500 }, (_, i) => ({ k: `city-${i}`, d: [{ sk: 1, v: i }] }));
    expect(await bucket.write(many)).toMatchObject({ written: 500, inserted: 500 });
    expect(encodings).toEqual([null, 'gzip']);
  });
});

describe('errors', () => {
  it('carries the problem: code, detail and JSON pointers, and never retries a 4xx', async () => {
    let calls = 0;
    const { bucket } = await setup('TSV', {
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        calls++;
        return fetch(input, init);
      },
    });
    const error = await bucket
      .write([
        { k: 1, d: [{ sk: 1, v: 1 }] },
        { k: 'yesterday', d: [{ sk: 0, v: 1 }] },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BucketgridError);
    expect(error).toMatchObject({
      status: 422,
      code: 'invalid_records',
      detail: expect.stringContaining('nothing was written'),
      errors: [
        { pointer: '/1/k', detail: expect.any(String) },
        { pointer: '/1/d/0/sk', detail: expect.any(String) },
      ],
      attempts: 1,
      retryable: false,
    });
    expect(calls).toBe(1);
    expect(await collect(bucket.read())).toEqual([[]]);

    await expect(bucket.delete({ keys: [] })).rejects.toMatchObject({ code: 'empty_selection' });
    await expect(bucket.delete({})).rejects.toMatchObject({ code: 'empty_selection' });
    await expect(collect(bucket.read({ order: 'sideways' as 'asc' }))).rejects.toMatchObject({
      status: 400,
      code: 'invalid_query',
    });
  });

  it('tells a wrong key and a foreign bucket apart from the server being away', async () => {
    const { bucketId } = await setup('TSV');
    const other = await setup('TSV');
    const wrongKey = new BucketgridClient({ url: server.url, apiKey: 'bg_prod_nope' });
    await expect(wrongKey.bucket(bucketId).purge()).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      attempts: 1,
    });
    await expect(other.client.bucket(bucketId).purge()).rejects.toMatchObject({
      status: 404,
      code: 'bucket_not_found',
    });
    expect(() => other.client.bucket('../trpc')).toThrow(TypeError);
  });

  it('retries a server that does not answer, then says so', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const retries: number[] = [];
    const client = new BucketgridClient({
      url: `http://127.0.0.1:${closedPort}`,
      apiKey: 'bg_dev_x',
      retry: { retries: 3, initialDelayMs: 20 },
      onRetry: ({ attempt, delayMs }) => {
        retries.push(attempt);
        expect(delayMs).toBeGreaterThanOrEqual(10 * 2 ** (attempt - 1));
        expect(delayMs).toBeLessThanOrEqual(20 * 2 ** (attempt - 1));
      },
    });
    const error = await client
      .bucket('b1')
      .write([{ k: 1, d: [{ sk: 1, v: 1 }] }])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 0,
      code: 'network_error',
      attempts: 4,
      detail: expect.stringContaining('ECONNREFUSED'),
    });
    expect(retries).toEqual([1, 2, 3]);

    const once = new BucketgridClient({
      url: `http://127.0.0.1:${closedPort}`,
      apiKey: 'bg_dev_x',
      retry: false,
    });
    await expect(once.bucket('b1').purge()).rejects.toMatchObject({ attempts: 1 });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2025, 0, 1);
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter(new Date(now + 90_500).toUTCString(), now)).toBe(90);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
