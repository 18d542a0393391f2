import { type DataRecord, READ_RAW_RECORDS_BUDGET } from '@bucketgrid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { type Client, outcome, signUp } from './trpc-client.ts';

/**
 * What a client gets from a downsampled read over its raw-records budget right after a large
 * import (no upkeep yet): an answer that says it was coarsened and still counts every record,
 * or a refusal naming the budget (503 read_over_budget, Retry-After) — never an empty chart.
 */
const RECORDS = 2 * READ_RAW_RECORDS_BUDGET;
const SECOND = 1_000;

let server: TestServer;
let owner: Client;
let dashboardId: string;
let bucketId: string;
let key: string;

beforeAll(async () => {
  server = await startTestServer({ asServer: true });
  owner = (await signUp(server.url, 'Owner')).client;
  dashboardId = (await owner.dashboards.create.mutate({ name: 'Import' })).id;
  bucketId = (await owner.buckets.create.mutate({ dashboardId, name: 'b', type: 'TSV' })).id;
  ({ key } = await owner.apiKeys.create.mutate({ dashboardId, name: 'k', type: 'production' }));
  const bucket = (await server.store.getBucket(bucketId))!;
  for (let start = 0; start < RECORDS; start += 10_000) {
    const records: DataRecord[] = [];
    for (let i = start; i < start + 10_000; i++) {
      records.push({ key: i * SECOND, values: { 1: i % 101 } });
    }
    await server.store.upsertRecords(bucket, records, 'merge');
  }
}, 120_000);

afterAll(async () => {
  await server?.stopAll();
});

const downsampleUrl = (query: string) =>
  `${server.url}/api/buckets/${bucketId}/downsample?${query}`;

function expectRefused(answer: Awaited<ReturnType<typeof call>>) {
  expect(answer.status, answer.text).toBe(503);
  expect(answer.json).toMatchObject({ code: 'read_over_budget', status: 503 });
  expect(answer.json.detail).toContain(String(READ_RAW_RECORDS_BUDGET));
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
}

describe('a downsampled read over its raw-records budget', () => {
  it('is coarsened and says so, counting every record, or refused as over budget', {
    timeout: 60_000,
  }, async () => {
    // 1-minute intervals over records sealed in 30-minute chunks as they were written.
    const first = 3_000;
    const range = { from: first * SECOND, to: (RECORDS - 1) * SECOND };
    const answer = await call(downsampleUrl(`from=${range.from}&to=${range.to}&points=1000`), {
      key,
    });
    if (answer.status !== 200) return expectRefused(answer);
    expect(answer.json.coarsened).toMatchObject({ budget: 'raw_records', requestedPoints: 1000 });
    expect(answer.json.interval).toBeGreaterThan(60_000);
    const counted = answer.json.count.reduce((sum: number, n: number) => sum + n, 0);
    expect(counted).toBe(RECORDS - first);
    // The app's way (tRPC): the same answer, flag included.
    const viaApp = await owner.buckets.downsample.query({
      dashboardId,
      bucketId,
      ...range,
      points: 1000,
    });
    expect(viaApp).toEqual(answer.json);
  });

  it('is refused when no width brings it within the budget', { timeout: 60_000 }, async () => {
    // A late write into every chunk: each must then be decoded, whatever the width, and no
    // cell has figures yet.
    const late: DataRecord[] = [];
    for (let key = 500; key < RECORDS * SECOND; key += 600 * SECOND) {
      late.push({ key, values: { 1: -1 } });
    }
    await server.store.upsertRecords((await server.store.getBucket(bucketId))!, late, 'merge');
    expectRefused(await call(downsampleUrl('points=1000'), { key }));
    expect(
      await outcome(() => owner.buckets.downsample.query({ dashboardId, bucketId, points: 1000 })),
    ).toBe('SERVICE_UNAVAILABLE:read_over_budget');
  });
});
