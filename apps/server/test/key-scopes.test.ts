import { MAX_KEY_BUCKETS } from '@bucketgrid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { outcome, signUp } from './trpc-client.ts';

/**
 * Scoped API keys over REST, created as a person does (tRPC): each request is held to the
 * key's permissions and buckets, and a refusal says which one is missing.
 */

const BUSY_MACHINE = { timeout: 60_000 };

let server: TestServer;
let owner: Awaited<ReturnType<typeof signUp>>;
let dashboardId: string;
let bucketA: string;
let bucketB: string;
let foreignBucket: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await signUp(server.url, 'Scoper');
  const dashboard = await owner.client.dashboards.create.mutate({ name: 'Plant' });
  dashboardId = dashboard.id;
  bucketA = (await owner.client.buckets.create.mutate({ dashboardId, name: 'a', type: 'IV' })).id;
  bucketB = (await owner.client.buckets.create.mutate({ dashboardId, name: 'b', type: 'IV' })).id;
  const other = await signUp(server.url, 'Other');
  const otherDashboard = await other.client.dashboards.create.mutate({ name: 'Other' });
  foreignBucket = (
    await other.client.buckets.create.mutate({
      dashboardId: otherDashboard.id,
      name: 'x',
      type: 'IV',
    })
  ).id;
}, BUSY_MACHINE.timeout);
afterAll(() => server.stopAll());

async function keyWith(scopes: ('write' | 'read' | 'delete')[], bucketIds?: string[]) {
  const created = await owner.client.apiKeys.create.mutate({
    dashboardId,
    name: `key ${scopes.join('+')}`,
    type: 'production',
    scopes,
    bucketIds,
  });
  return created;
}

const url = (bucketId: string, rest = '') => `${server.url}/api/buckets/${bucketId}${rest}`;
const record = [{ k: 1, d: [{ sk: 1, v: 5 }] }];

describe('scoped API keys', () => {
  it('lets an ingest-only key write and refuses its reads and deletes with the missing permission', async () => {
    const { key, apiKey } = await keyWith(['write']);
    expect(apiKey).toMatchObject({ scopes: ['write'], bucketIds: null, summary: 'write' });
    expect((await call(url(bucketA), { method: 'POST', key, body: record })).status).toBe(200);
    expect((await call(url(bucketA), { method: 'PUT', key, body: record })).status).toBe(200);
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/downsample'],
      ['DELETE', '?from=0&to=5'],
      ['POST', '/purge'],
    ] as const) {
      const refused = await call(url(bucketA, path), { method, key });
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.json.code).toBe('insufficient_scope');
      expect(refused.json.detail).toContain(method === 'GET' ? 'read' : 'delete');
    }
  });

  it('lets a read-only key read and refuses its writes', async () => {
    const { key } = await keyWith(['read']);
    expect((await call(url(bucketA), { key })).status).toBe(200);
    expect((await call(url(bucketA, '/downsample'), { key })).status).toBe(200);
    const refused = await call(url(bucketA), { method: 'POST', key, body: record });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ code: 'insufficient_scope', status: 403 });
    expect(refused.json.detail).toContain('write');
  });

  it('holds a bucket-limited key to its buckets: 403 on another of its dashboard, 404 on another dashboard', async () => {
    const { key } = await keyWith(['write', 'read', 'delete'], [bucketA]);
    expect((await call(url(bucketA), { method: 'POST', key, body: record })).status).toBe(200);
    const otherOwn = await call(url(bucketB), { method: 'POST', key, body: record });
    expect(otherOwn.status).toBe(403);
    expect(otherOwn.json.code).toBe('insufficient_scope');
    expect(otherOwn.json.detail).toContain(bucketB);
    const foreign = await call(url(foreignBucket), { key });
    expect(foreign.status).toBe(404);
    expect(foreign.json.code).toBe('bucket_not_found');
  });

  it('refuses an empty scope and buckets of another dashboard when a key is made', async () => {
    expect(
      await outcome(() =>
        owner.client.apiKeys.create.mutate({
          dashboardId,
          name: 'none',
          type: 'production',
          scopes: [],
        }),
      ),
    ).toBe('BAD_REQUEST:invalid_input');
    expect(await outcome(() => keyWith(['read'], [foreignBucket]))).toBe(
      'UNPROCESSABLE_CONTENT:invalid_input',
    );
  });

  it('refuses a list of more buckets than MAX_KEY_BUCKETS', async () => {
    const tooMany = Array.from({ length: MAX_KEY_BUCKETS + 1 }, (_, i) => `${bucketA}${i}`);
    expect(await outcome(() => keyWith(['read'], tooMany))).toBe('BAD_REQUEST:invalid_input');
  });

  it('keeps the scope when a key is rolled, and changes it at once when re-scoped', async () => {
    const { apiKey } = await keyWith(['write'], [bucketA]);
    const rolled = await owner.client.apiKeys.roll.mutate({
      dashboardId,
      keyId: apiKey.id,
      grace: 'none',
    });
    expect(rolled.apiKey).toMatchObject({ scopes: ['write'], bucketIds: [bucketA] });
    expect((await call(url(bucketA), { key: rolled.key })).status).toBe(403);
    await owner.client.apiKeys.setScopes.mutate({
      dashboardId,
      keyId: rolled.apiKey.id,
      scopes: ['read'],
      bucketIds: null,
    });
    expect((await call(url(bucketB), { key: rolled.key })).status).toBe(200);
    expect(
      (await call(url(bucketB), { method: 'POST', key: rolled.key, body: record })).status,
    ).toBe(403);
  });

  it('lists each key with its scope', async () => {
    const keys = await owner.client.apiKeys.list.query({ dashboardId });
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.scopes.length).toBeGreaterThan(0);
      expect(typeof key.summary).toBe('string');
    }
  });
});
