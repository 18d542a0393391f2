import { gzipSync } from 'node:zlib';
import { revokeApiKey } from '@bucketgrid/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stopAll());

async function bucketFor(type: 'TSV' | 'KV' | 'IV', retention?: number) {
  const setup = await provision(server.store, type, retention);
  const url = `${server.url}/api/buckets/${setup.bucket.id}`;
  const write = (method: 'POST' | 'PUT', body: unknown) =>
    call(url, { method, key: setup.key, body });
  const read = async (query = '') => (await call(`${url}${query}`, { key: setup.key })).json;
  return { ...setup, url, write, read };
}

describe('writes', () => {
  it('POST merges series into existing records; PUT replaces the record', async () => {
    const b = await bucketFor('IV');
    const first = await b.write('POST', [
      {
        key: 1,
        data: [
          { series_key: 1, value: 10 },
          { series_key: 2, value: 20 },
        ],
      },
    ]);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ written: 1, inserted: 1, updated: 0 });
    const merged = await b.write('POST', [
      {
        key: 1,
        data: [
          { series_key: 2, value: 21 },
          { series_key: 3, value: null },
        ],
      },
    ]);
    expect(merged.json).toEqual({ written: 1, inserted: 0, updated: 1 });
    expect((await b.read()).records).toEqual([
      {
        key: 1,
        data: [
          { series_key: 1, value: 10 },
          { series_key: 2, value: 21 },
          { series_key: 3, value: null },
        ],
      },
    ]);
    const replaced = await b.write('PUT', [
      { key: 1, data: [{ series_key: 9, value: 9 }] },
      { key: 2, data: [{ series_key: 1, value: 1 }] },
    ]);
    expect(replaced.json).toEqual({ written: 2, inserted: 1, updated: 1 });
    expect((await b.read()).records).toEqual([
      { key: 1, data: [{ series_key: 9, value: 9 }] },
      { key: 2, data: [{ series_key: 1, value: 1 }] },
    ]);
  });

  it('accepts long and minified forms mixed, and ISO 8601 keys normalised to unix ms', async () => {
    const b = await bucketFor('TSV');
    const r = await b.write('POST', [
      { key: '2025-10-20T10:00:00Z', data: [{ series_key: 1, value: 25.5 }] },
      { k: 1_760_954_460_000, d: [{ sk: 1, v: -0 }] },
      { key: '2025-10-20T12:01:00+02:00', d: [{ series_key: 2, v: 3 }] },
    ]);
    expect(r.json).toEqual({ written: 3, inserted: 2, updated: 1 });
    expect((await b.read('?format=min')).records).toEqual([
      { k: 1_760_954_400_000, d: [{ sk: 1, v: 25.5 }] },
      {
        k: 1_760_954_460_000,
        d: [
          { sk: 1, v: 0 },
          { sk: 2, v: 3 },
        ],
      },
    ]);
  });

  it('is all or nothing: one bad record and no record is written', async () => {
    const b = await bucketFor('KV');
    const records = Array.from({ length: 500 }, (_, i) => ({
      key: `k${i}`,
      data: [{ series_key: 1, value: i }],
    }));
    records.push({ key: 'x'.repeat(257), data: [{ series_key: 1, value: 1 }] });
    const r = await b.write('POST', records);
    expect(r.status).toBe(422);
    expect(r.json.errors).toEqual([
      { pointer: '/500/key', detail: expect.stringContaining('256') },
    ]);
    expect((await b.read()).records).toEqual([]);
  });

  it('applies records with the same key in order, the last winning', async () => {
    const b = await bucketFor('KV');
    const r = await b.write('POST', [
      {
        key: 'berlin',
        data: [
          { series_key: 1, value: 1 },
          { series_key: 2, value: 1 },
        ],
      },
      { key: 'berlin', data: [{ series_key: 1, value: 2 }] },
    ]);
    expect(r.json).toEqual({ written: 2, inserted: 1, updated: 1 });
    expect((await b.read()).records).toEqual([
      {
        key: 'berlin',
        data: [
          { series_key: 1, value: 2 },
          { series_key: 2, value: 1 },
        ],
      },
    ]);
  });

  it('accepts gzip bodies', async () => {
    const b = await bucketFor('IV');
    const r = await call(b.url, {
      method: 'POST',
      key: b.key,
      raw: gzipSync(JSON.stringify([{ k: 5, d: [{ sk: 1, v: 5 }] }])),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(r.json).toEqual({ written: 1, inserted: 1, updated: 0 });
    expect((await b.read()).records).toEqual([{ key: 5, data: [{ series_key: 1, value: 5 }] }]);
  });
});

describe('reads', () => {
  it('filters by range, orders, limits and pages with a cursor', async () => {
    const b = await bucketFor('TSV');
    const base = 1_760_954_400_000;
    await b.write(
      'POST',
      Array.from({ length: 10 }, (_, i) => ({ k: base + i * 1000, d: [{ sk: 1, v: i }] })),
    );
    const page1 = await b.read(`?from=${base + 2000}&to=2025-10-20T10:00:08Z&order=desc&limit=3`);
    expect(page1.records.map((r: { key: number }) => r.key - base)).toEqual([8000, 7000, 6000]);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const page2 = await b.read(
      `?from=${base + 2000}&to=2025-10-20T10:00:08Z&order=desc&limit=3&cursor=${page1.next_cursor}`,
    );
    expect(page2.records.map((r: { key: number }) => r.key - base)).toEqual([5000, 4000, 3000]);
    const page3 = await b.read(
      `?from=${base + 2000}&to=2025-10-20T10:00:08Z&order=desc&limit=3&cursor=${page2.next_cursor}`,
    );
    expect(page3.records.map((r: { key: number }) => r.key - base)).toEqual([2000]);
    expect(page3.next_cursor).toBeNull();
  });

  it('refuses bad query parameters with a clear problem', async () => {
    const b = await bucketFor('IV');
    for (const query of [
      '?limit=0',
      '?limit=10001',
      '?order=up',
      '?from=abc',
      '?format=csv',
      '?limt=5',
      '?cursor=zzz',
    ]) {
      const r = await call(`${b.url}${query}`, { key: b.key });
      expect(r.status, query).toBe(400);
      expect(['invalid_query', 'invalid_cursor']).toContain(r.json.code);
    }
    const page = await b.read('?limit=1');
    const reused = await call(`${b.url}?order=desc&cursor=${page.next_cursor ?? 'WyJhc2MiLDFd'}`, {
      key: b.key,
    });
    expect(reused.json.code).toBe('invalid_cursor');
  });

  it('refuses a cursor of another bucket, whatever its type', async () => {
    const source = await bucketFor('TSV');
    await source.write(
      'POST',
      [1, 2, 3].map((k) => ({ k, d: [{ sk: 1, v: k }] })),
    );
    const page = await source.read('?limit=1');
    expect(page.next_cursor).toEqual(expect.any(String));
    expect((await source.read(`?limit=1&cursor=${page.next_cursor}`)).records).toHaveLength(1);
    for (const type of ['TSV', 'IV'] as const) {
      const other = await bucketFor(type);
      await other.write(
        'POST',
        [1, 2, 3].map((k) => ({ k, d: [{ sk: 1, v: k }] })),
      );
      const r = await call(`${other.url}?cursor=${page.next_cursor}`, { key: other.key });
      expect(r.status, type).toBe(400);
      expect(r.json).toMatchObject({ code: 'invalid_cursor' });
      expect(r.json.detail).toContain('another bucket');
    }
  });

  it('refuses an inverted range with a 400 that says so: read, downsample and delete', async () => {
    const b = await bucketFor('IV');
    await b.write(
      'POST',
      [1, 2, 3, 4, 5].map((k) => ({ k, d: [{ sk: 1, v: k }] })),
    );
    for (const [method, path] of [
      ['GET', '?from=5&to=1'],
      ['GET', '/downsample?from=5&to=1'],
      ['DELETE', '?from=5&to=1'],
    ] as const) {
      const r = await call(`${b.url}${path}`, { method, key: b.key });
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(r.json).toMatchObject({ code: 'invalid_query', errors: [{ parameter: 'from' }] });
      expect(r.json.detail).toContain('from (5) is after to (1)');
    }
    expect((await b.read('?from=3&to=3')).records).toHaveLength(1);
    expect((await b.read()).records).toHaveLength(5);
  });

  it('defaults to 1000 records per page', async () => {
    const b = await bucketFor('IV');
    await b.write(
      'POST',
      Array.from({ length: 1001 }, (_, i) => ({ k: i, d: [{ sk: 1, v: i }] })),
    );
    const page = await b.read();
    expect(page.records).toHaveLength(1000);
    expect(page.next_cursor).not.toBeNull();
  });
});

describe('keys that look like seconds', () => {
  it('warns, in the body and a Warning header, when every numeric TSV key is before 2001', async () => {
    const b = await bucketFor('TSV');
    const seconds = 1_760_954_400;
    for (const body of [
      // The scanning parser's path, and the generic one (an exponent, a record given twice).
      [
        { k: seconds, d: [{ sk: 1, v: 1 }] },
        { key: seconds + 60, data: [{ series_key: 1, value: 2 }] },
      ],
      JSON.parse(
        `[{"k": 1.76095452e9, "d": [{"sk": 1, "v": 3}]}, {"k": "2025-10-20T10:00:00Z", "d": [{"sk": 1, "v": 4}]}]`,
      ),
    ]) {
      const r = await b.write('POST', body);
      expect(r.status).toBe(200);
      expect(r.json.warnings).toEqual([
        {
          code: 'keys_look_like_seconds',
          detail: expect.stringContaining('multiply them by 1000'),
        },
      ]);
      expect(r.headers.get('warning')).toMatch(
        /^299 - "Every numeric key of this write is before 2001-01-01/,
      );
    }
    expect((await b.read()).records).toHaveLength(4);
  });

  it('says nothing for milliseconds, for ISO dates before 2001, or when one numeric key is later', async () => {
    const b = await bucketFor('TSV');
    for (const body of [
      [{ k: 1_760_954_400_000, d: [{ sk: 1, v: 1 }] }],
      [{ k: '1999-12-31T23:59:59Z', d: [{ sk: 1, v: 1 }] }],
      [
        { k: 5, d: [{ sk: 1, v: 1 }] },
        { k: 1_760_954_400_000, d: [{ sk: 1, v: 1 }] },
      ],
    ]) {
      const r = await b.write('PUT', body);
      expect(r.json).toEqual({
        written: body.length,
        inserted: expect.any(Number),
        updated: expect.any(Number),
      });
      expect(r.headers.get('warning')).toBeNull();
    }
    const iv = await bucketFor('IV');
    expect(
      (await iv.write('POST', [{ k: 5, d: [{ sk: 1, v: 1 }] }])).json.warnings,
    ).toBeUndefined();
  });
});

describe('deletes', () => {
  it('deletes by keys, by range, and purges', async () => {
    const b = await bucketFor('IV');
    await b.write(
      'POST',
      Array.from({ length: 10 }, (_, i) => ({ k: i, d: [{ sk: 1, v: i }] })),
    );
    const byKeys = await call(b.url, { method: 'DELETE', key: b.key, body: { keys: [1, 2, 99] } });
    expect(byKeys.json).toEqual({ deleted: 2 });
    const byRange = await call(`${b.url}?from=7&to=8`, { method: 'DELETE', key: b.key });
    expect(byRange.json).toEqual({ deleted: 2 });
    expect((await b.read()).records.map((r: { key: number }) => r.key)).toEqual([0, 3, 4, 5, 6, 9]);
    const badKeys = await call(b.url, { method: 'DELETE', key: b.key, body: { keys: [1, 'x'] } });
    expect(badKeys.status).toBe(422);
    expect(badKeys.json.errors).toEqual([
      { pointer: '/keys/1', detail: 'an IV key must be a safe integer' },
    ]);
    // A purge with a body is refused, and deletes nothing: the body may have meant a selection.
    const withBody = await call(`${b.url}/purge`, {
      method: 'POST',
      key: b.key,
      body: { keys: [3] },
    });
    expect(withBody.status).toBe(415);
    expect(withBody.json).toMatchObject({ code: 'unsupported_media_type' });
    expect((await b.read()).records).toHaveLength(6);
    const purge = await call(`${b.url}/purge`, { method: 'POST', key: b.key });
    expect(purge.json).toEqual({ deleted: 6 });
    expect((await b.read()).records).toEqual([]);
  });
});

describe('retention', () => {
  it.each([
    ['TSV', (i: number) => 1_700_000_000_000 + i],
    ['IV', (i: number) => i],
  ] as const)('keeps the newest keys of a %s bucket', async (type, keyOf) => {
    const b = await bucketFor(type, 1000);
    await b.write(
      'POST',
      Array.from({ length: 1000 }, (_, i) => ({ k: keyOf(i), d: [{ sk: 1, v: i }] })),
    );
    await b.write(
      'POST',
      Array.from({ length: 5 }, (_, i) => ({ k: keyOf(1000 + i), d: [{ sk: 1, v: i }] })),
    );
    const all = await b.read('?limit=2000');
    expect(all.records).toHaveLength(1000);
    expect(all.records[0].key).toBe(keyOf(5));
    expect(all.records.at(-1).key).toBe(keyOf(1004));
  });

  it('drops the least recently written keys of a KV bucket', async () => {
    const b = await bucketFor('KV', 1000);
    await b.write(
      'POST',
      Array.from({ length: 1000 }, (_, i) => ({ k: `key-${i}`, d: [{ sk: 1, v: i }] })),
    );
    await b.write('POST', [{ k: 'key-0', d: [{ sk: 1, v: -1 }] }]);
    await b.write('POST', [{ k: 'fresh', d: [{ sk: 1, v: 1 }] }]);
    const keys = (await b.read('?limit=2000')).records.map((r: { key: string }) => r.key);
    expect(keys).toHaveLength(1000);
    expect(keys).toContain('key-0');
    expect(keys).toContain('fresh');
    expect(keys).not.toContain('key-1');
  });
});

describe('tenancy and revocation', () => {
  it("answers 404 for another dashboard's bucket, exactly as for an unknown one, and writes nothing", async () => {
    const a = await bucketFor('IV');
    const b = await bucketFor('IV');
    const foreign = await call(b.url, {
      method: 'POST',
      key: a.key,
      body: [{ k: 1, d: [{ sk: 1, v: 1 }] }],
    });
    const unknown = await call(`${server.url}/api/buckets/AAAAAAAAAAAAAAAAAAAAAA`, {
      method: 'POST',
      key: a.key,
      body: [{ k: 1, d: [{ sk: 1, v: 1 }] }],
    });
    expect(foreign.status).toBe(404);
    expect(foreign.json.code).toBe('bucket_not_found');
    expect({ ...foreign.json, detail: '' }).toEqual({ ...unknown.json, detail: '' });
    for (const method of ['GET', 'DELETE'] as const) {
      expect((await call(`${b.url}?from=0`, { method, key: a.key })).status).toBe(404);
    }
    expect((await call(`${b.url}/purge`, { method: 'POST', key: a.key })).status).toBe(404);
    expect((await b.read()).records).toEqual([]);
  });

  it('refuses a revoked key on the very next request', async () => {
    const b = await bucketFor('IV');
    expect((await b.write('POST', [{ k: 1, d: [{ sk: 1, v: 1 }] }])).status).toBe(200);
    await revokeApiKey(server.store, b.apiKey, Date.now());
    const r = await b.write('POST', [{ k: 2, d: [{ sk: 1, v: 1 }] }]);
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('revoked_api_key');
  });

  it('records when a key was last used, in batches rather than a write per request', async () => {
    const quick = await startTestServer();
    const setup = await provision(quick.store, 'IV');
    const r = await call(`${quick.url}/api/buckets/${setup.bucket.id}`, { key: setup.key });
    expect(r.status).toBe(200);
    expect((await quick.store.getApiKey(setup.apiKey.id))?.lastUsedAt).toBeNull();
    // Closing flushes the batch, as the periodic timer would.
    await quick.close();
    expect((await quick.store.getApiKey(setup.apiKey.id))?.lastUsedAt).toBe(quick.clock.now);
    await quick.stopAll();
  });
});

describe('downsampled reads', () => {
  it('GET …/downsample answers per interval, raw when small, and lists bad parameters', async () => {
    const b = await bucketFor('TSV');
    const records = Array.from({ length: 100 }, (_, i) => ({
      k: i * 1000,
      d: [
        { sk: 1, v: i },
        { sk: 2, v: -i },
      ],
    }));
    expect((await b.write('POST', records)).status).toBe(200);
    const url = `${b.url}/downsample`;
    const aggregated = await call(`${url}?points=10&series=1`, { key: b.key });
    expect(aggregated.status).toBe(200);
    expect(aggregated.json).toMatchObject({ interval: 10_000, count: Array(10).fill(10) });
    expect(Object.keys(aggregated.json.series as object)).toEqual(['1']);
    const raw = await call(`${url}?from=95000&to=1970-01-01T00:01:37Z`, { key: b.key });
    expect(raw.json).toMatchObject({ interval: null, keys: [95_000, 96_000, 97_000] });
    const bad = await call(`${url}?points=0&from=soon`, { key: b.key });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'invalid_query' });
    const other = await bucketFor('TSV');
    const foreign = await call(`${other.url}/downsample`, { key: b.key });
    expect(foreign.json.code).toBe('bucket_not_found');
  });
});
