import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';
import { stallingStore } from './stalling-store.ts';
import { signUp } from './trpc-client.ts';

// Short, so the suite does not wait long; what is asserted is the answer, not the time.
const STORE_TIMEOUT_MS = 300;

let server: TestServer;
let faults: ReturnType<typeof stallingStore>;

beforeAll(async () => {
  server = await startTestServer({
    storeTimeoutMs: STORE_TIMEOUT_MS,
    wrapStore: (store) => {
      faults = stallingStore(store);
      return faults.store;
    },
  });
});
afterAll(async () => {
  faults.resume();
  await server.stopAll();
});

function expectUnavailable(response: Awaited<ReturnType<typeof call>>) {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.json).toMatchObject({ status: 503, code: 'service_unavailable' });
}

describe('a store that stops answering', () => {
  it('gives 503 service_unavailable with Retry-After on REST and tRPC, then recovers', async () => {
    const { bucket, key } = await provision(server.store, 'IV');
    const owner = await signUp(server.url, 'Owner');
    const bucketUrl = `${server.url}/api/buckets/${bucket.id}`;
    const write = (k: number) =>
      call(bucketUrl, { method: 'POST', key, body: [{ k, d: [{ sk: 1, v: k }] }] });
    expect((await write(1)).status).toBe(200);

    faults.stall();
    expectUnavailable(await write(2));
    expectUnavailable(await call(bucketUrl, { key }));
    expectUnavailable(await call(`${server.url}/readyz`));

    const listed = await owner.client.dashboards.list.query().catch((error: unknown) => error);
    expect(listed).toBeInstanceOf(TRPCClientError);
    expect((listed as TRPCClientError<never>).data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      httpStatus: 503,
      appCode: 'service_unavailable',
      retryAfterSeconds: 5,
    });
    // The session lookup runs before any procedure: the same answer from there.
    const trpc = await call(`${server.url}/trpc/dashboards.list`, {
      headers: { cookie: [...owner.jar].map(([n, v]) => `${n}=${v}`).join('; ') },
    });
    expect(trpc.status).toBe(503);
    expect(trpc.headers.get('retry-after')).toBe('5');
    expect(trpc.json.error.data).toMatchObject({ appCode: 'service_unavailable' });
    expect(faults.waiting).toBeGreaterThan(0);

    faults.resume();
    expect((await call(`${server.url}/readyz`)).status).toBe(200);
    expect((await write(3)).status).toBe(200);
    expect(await owner.client.dashboards.list.query()).toEqual([]);
    // The key and bucket came from memory, so the write that got a 503 had reached the
    // store: it lands when the store answers again, as one a database took just before its
    // deadline does. A 503 promises nothing either way; resending it writes the same record.
    const read = await call(`${bucketUrl}?order=asc&format=min`, { key });
    expect(read.json.records.map((r: { k: number }) => r.k)).toEqual([1, 2, 3]);
  });
});
