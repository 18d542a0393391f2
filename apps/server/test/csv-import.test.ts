import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';
import { outcome, signUp } from './trpc-client.ts';

/**
 * The web app's CSV import writes through `bucketImport.write`: a member's session and role,
 * the REST write's record checks and problem pointers, a batch cap, and a cap on the import
 * writes one member runs at once.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stopAll());

async function setup() {
  const owner = await signUp(server.url, 'Owner');
  const viewer = await signUp(server.url, 'Viewer');
  const stranger = await signUp(server.url, 'Stranger');
  const dashboard = await owner.client.dashboards.create.mutate({ name: 'Imports' });
  const dashboardId = dashboard.id;
  await owner.client.members.add.mutate({ dashboardId, email: viewer.email, role: 'user' });
  const bucket = await owner.client.buckets.create.mutate({ dashboardId, name: 'B', type: 'IV' });
  return {
    owner: owner.client,
    viewer: viewer.client,
    stranger: stranger.client,
    dashboardId,
    bucket,
  };
}

const records = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: from + i, data: [{ series_key: 1, value: i }] }));

describe('bucketImport.write', () => {
  it('writes a batch as REST does (merge), for admins only, in the caller’s own dashboards', async () => {
    const { owner, viewer, stranger, dashboardId, bucket } = await setup();
    const ids = { dashboardId, bucketId: bucket.id };
    expect(await owner.bucketImport.write.mutate({ ...ids, records: records(1, 100) })).toEqual({
      written: 100,
      inserted: 100,
      updated: 0,
    });
    // Run again: the same records, updated in place.
    expect(
      await owner.bucketImport.write.mutate({ ...ids, records: records(1, 100) }),
    ).toMatchObject({ written: 100, inserted: 0, updated: 100 });
    const read = await owner.buckets.records.query({ ...ids, limit: 1000 });
    expect(read.records).toHaveLength(100);
    expect(
      await outcome(() => viewer.bucketImport.write.mutate({ ...ids, records: records(1, 1) })),
    ).toBe('FORBIDDEN:forbidden');
    expect(
      await outcome(() => stranger.bucketImport.write.mutate({ ...ids, records: records(1, 1) })),
    ).toBe('NOT_FOUND:not_found');
  });

  it('refuses bad records with a pointer to each, and writes none of the batch', async () => {
    const { owner, dashboardId, bucket } = await setup();
    const ids = { dashboardId, bucketId: bucket.id };
    const batch: unknown[] = records(1, 5);
    batch[3] = { key: 'four', data: [{ series_key: 1, value: 1 }] };
    try {
      await owner.bucketImport.write.mutate({ ...ids, records: batch });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TRPCClientError);
      const data = (error as TRPCClientError<never>).data as unknown as Record<string, unknown>;
      expect(data.appCode).toBe('invalid_records');
      expect(data.fieldErrors).toEqual([expect.objectContaining({ path: '3.key' })]);
    }
    expect((await owner.buckets.records.query(ids)).records).toHaveLength(0);
  });

  it('takes at most 5,000 records a batch, and two batches of one member at once', async () => {
    const { owner, dashboardId, bucket } = await setup();
    const ids = { dashboardId, bucketId: bucket.id };
    expect(
      await outcome(() => owner.bucketImport.write.mutate({ ...ids, records: records(1, 5001) })),
    ).toBe('BAD_REQUEST:invalid_input');
  });

  it('runs two import writes of one member at once and refuses a third until one is done', async () => {
    // Writes held at the store, so three are in flight together (the app sends one at a time).
    let release = () => {};
    let held: Promise<void> | undefined;
    const gated = await startTestServer({
      wrapStore: (store) => ({
        ...store,
        upsertRecords: async (...args: Parameters<typeof store.upsertRecords>) => {
          await held;
          return store.upsertRecords(...args);
        },
      }),
    });
    try {
      const owner = await signUp(gated.url, 'Owner');
      const dashboard = await owner.client.dashboards.create.mutate({ name: 'Gated' });
      const bucket = await owner.client.buckets.create.mutate({
        dashboardId: dashboard.id,
        name: 'B',
        type: 'IV',
      });
      const ids = { dashboardId: dashboard.id, bucketId: bucket.id };
      held = new Promise((resolve) => {
        release = resolve;
      });
      const write = (from: number) =>
        outcome(() =>
          owner.client.bucketImport.write.mutate({ ...ids, records: records(from, 10) }),
        );
      const first = write(0);
      const second = write(100);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await write(200)).toBe('TOO_MANY_REQUESTS:rate_limited');
      release();
      expect([await first, await second]).toEqual(['ok', 'ok']);
      expect(await write(300)).toBe('ok');
    } finally {
      await gated.stopAll();
    }
  });
});
