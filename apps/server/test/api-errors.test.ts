import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;
let ctx: Awaited<ReturnType<typeof provision>>;
let url: string;

beforeAll(async () => {
  server = await startTestServer();
  ctx = await provision(server.store, 'TSV');
  url = `${server.url}/api/buckets/${ctx.bucket.id}`;
});
afterAll(() => server.stopAll());

function expectProblem(
  response: Awaited<ReturnType<typeof call>>,
  status: number,
  code: string,
): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ status, code });
  expect(typeof response.json.title).toBe('string');
  expect(typeof response.json.detail).toBe('string');
  expect(response.json.type).toMatch(/^https:\/\//);
}

const one = [{ key: 1_760_954_400_000, data: [{ series_key: 1, value: 1 }] }];

describe('REST errors: every row of the error table', () => {
  it('400 malformed_json', async () => {
    const r = await call(url, {
      method: 'POST',
      key: ctx.key,
      raw: '[{"key": 1,',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(r, 400, 'malformed_json');
  });

  it('401 missing_api_key', async () => {
    expectProblem(await call(url, { method: 'POST', body: one }), 401, 'missing_api_key');
  });

  it('401 invalid_api_key for a wrong format, a bad checksum and an unknown key', async () => {
    expectProblem(await call(url, { key: 'hello' }), 401, 'invalid_api_key');
    const last = ctx.key.at(-1) === 'A' ? 'B' : 'A';
    expectProblem(await call(url, { key: ctx.key.slice(0, -1) + last }), 401, 'invalid_api_key');
    const { generateApiKey } = await import('@bucketgrid/shared/api-key');
    expectProblem(await call(url, { key: generateApiKey('production') }), 401, 'invalid_api_key');
  });

  it('401 revoked_api_key and expired_api_key', async () => {
    const other = await provision(server.store);
    await server.store.revokeApiKey(other.apiKey.id, Date.now());
    expectProblem(
      await call(`${server.url}/api/buckets/${other.bucket.id}`, { key: other.key }),
      401,
      'revoked_api_key',
    );
    const third = await provision(server.store);
    await server.store.setApiKeyExpiry(third.apiKey.id, server.clock.now - 1);
    expectProblem(
      await call(`${server.url}/api/buckets/${third.bucket.id}`, { key: third.key }),
      401,
      'expired_api_key',
    );
  });

  it('404 bucket_not_found for an unknown id', async () => {
    expectProblem(
      await call(`${server.url}/api/buckets/doesNotExist123`, { key: ctx.key }),
      404,
      'bucket_not_found',
    );
  });

  it('405 method_not_allowed with Allow', async () => {
    const r = await call(url, { method: 'PATCH', key: ctx.key, body: one });
    expectProblem(r, 405, 'method_not_allowed');
    expect(r.headers.get('allow')).toBe('GET, POST, PUT, DELETE');
    const purge = await call(`${url}/purge`, { method: 'GET', key: ctx.key });
    expectProblem(purge, 405, 'method_not_allowed');
    expect(purge.headers.get('allow')).toBe('POST');
  });

  it('413 payload_too_large, plain and as a gzip bomb', async () => {
    const big = JSON.stringify([{ key: 1, data: [{ series_key: 1, value: 1 }] }]).padEnd(
      5 * 1024 * 1024 + 10,
      ' ',
    );
    const plain = await call(url, {
      method: 'POST',
      key: ctx.key,
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(plain, 413, 'payload_too_large');
    const bomb = await call(url, {
      method: 'POST',
      key: ctx.key,
      raw: gzipSync(big),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expectProblem(bomb, 413, 'payload_too_large');
  });

  it('415 unsupported_media_type for non-JSON bodies and unknown encodings', async () => {
    expectProblem(
      await call(url, {
        method: 'POST',
        key: ctx.key,
        raw: JSON.stringify(one),
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'unsupported_media_type',
    );
    expectProblem(
      await call(url, {
        method: 'POST',
        key: ctx.key,
        raw: JSON.stringify(one),
        headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
      }),
      415,
      'unsupported_media_type',
    );
  });

  it('422 invalid_records with JSON pointers, and nothing written', async () => {
    const r = await call(url, {
      method: 'POST',
      key: ctx.key,
      body: [
        { key: 1000, data: [{ series_key: 1, value: 1 }] },
        { key: '2025-10-20T10:00:00', data: [{ series_key: 1, value: 1 }] },
        {
          key: 3000,
          data: [
            { series_key: 1, value: 'x' },
            { series_key: 1001, value: 1 },
          ],
        },
      ],
    });
    expectProblem(r, 422, 'invalid_records');
    expect(r.json.errors).toEqual([
      { pointer: '/1/key', detail: expect.stringContaining('ISO 8601') },
      { pointer: '/2/data/0/value', detail: 'a value is a finite number or null' },
      { pointer: '/2/data/1/series_key', detail: 'a series key is an integer from 1 to 1000' },
    ]);
    const read = await call(url, { key: ctx.key });
    expect(read.json.records).toEqual([]);
  });

  it('422 empty_selection for a DELETE that selects nothing', async () => {
    expectProblem(await call(url, { method: 'DELETE', key: ctx.key }), 422, 'empty_selection');
    expectProblem(
      await call(url, { method: 'DELETE', key: ctx.key, body: { keys: [] } }),
      422,
      'empty_selection',
    );
  });

  it('500 internal_error without internals in the body', async () => {
    const broken = await startTestServer();
    const setup = await provision(broken.store);
    await broken.store.close();
    const r = await call(`${broken.url}/api/buckets/${setup.bucket.id}`, { key: setup.key });
    expectProblem(r, 500, 'internal_error');
    expect(r.text).not.toMatch(/sqlite|database|stack|at /i);
    await broken.stopAll();
  });
});

describe('rate limits', () => {
  it('429 rate_limited per key, weighted by records, with Retry-After and RateLimit headers', async () => {
    const limited = await startTestServer({ keyRateLimitPerMinute: 10 });
    const setup = await provision(limited.store, 'IV');
    const bucketUrl = `${limited.url}/api/buckets/${setup.bucket.id}`;
    const records = (n: number, base: number) =>
      Array.from({ length: n }, (_, i) => ({ k: base + i, d: [{ sk: 1, v: i }] }));
    const first = await call(bucketUrl, { method: 'POST', key: setup.key, body: records(8, 0) });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('10');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    const refused = await call(bucketUrl, {
      method: 'POST',
      key: setup.key,
      body: records(3, 100),
    });
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    const read = await call(bucketUrl, { key: setup.key });
    expect(read.json.records).toHaveLength(8);
    limited.clock.now += 60_000;
    expect(
      (await call(bucketUrl, { method: 'POST', key: setup.key, body: records(3, 100) })).status,
    ).toBe(200);
    await limited.stopAll();
  });

  it('429 after too many failed key attempts from one address, even for a valid key', async () => {
    const limited = await startTestServer({ failedKeyAttemptsPerMinute: 3 });
    const setup = await provision(limited.store, 'IV');
    const bucketUrl = `${limited.url}/api/buckets/${setup.bucket.id}`;
    for (let i = 0; i < 3; i++) {
      expect((await call(bucketUrl, { key: 'bg_prod_guess' })).status).toBe(401);
    }
    const blocked = await call(bucketUrl, { key: setup.key });
    expectProblem(blocked, 429, 'rate_limited');
    expect(blocked.headers.get('retry-after')).not.toBeNull();
    limited.clock.now += 60_000;
    expect((await call(bucketUrl, { key: setup.key })).status).toBe(200);
    await limited.stopAll();
  });

  it('counts failed attempts per client behind a trusted proxy, not per proxy', async () => {
    const limited = await startTestServer({ failedKeyAttemptsPerMinute: 2, trustProxy: 2 });
    const setup = await provision(limited.store, 'IV');
    const bucketUrl = `${limited.url}/api/buckets/${setup.bucket.id}`;
    const from = (address: string) => ({ 'x-forwarded-for': `${address}, 10.0.0.1` });
    for (let i = 0; i < 2; i++) {
      await call(bucketUrl, { key: 'bg_prod_guess', headers: from('203.0.113.7') });
    }
    const guesser = await call(bucketUrl, { key: setup.key, headers: from('203.0.113.7') });
    expect(guesser.status).toBe(429);
    const neighbour = await call(bucketUrl, { key: setup.key, headers: from('198.51.100.2') });
    expect(neighbour.status).toBe(200);
    await limited.stopAll();
  });
});
