/**
 * Exact keys or a clear refusal, and every problem of a request listed in our words: what the
 * REST API does with input it cannot take as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stopAll());

async function bucketFor(type: 'TSV' | 'KV' | 'IV') {
  const setup = await provision(server.store, type);
  const url = `${server.url}/api/buckets/${setup.bucket.id}`;
  const send = (method: string, raw: string | Uint8Array, query = '') =>
    call(`${url}${query}`, {
      method,
      key: setup.key,
      raw,
      headers: { 'content-type': 'application/json' },
    });
  const records = async () => (await call(url, { key: setup.key })).json.records;
  return { ...setup, url, send, records };
}

const one = (key: string) => `{"key":${key},"data":[{"series_key":1,"value":1}]}`;

describe('keys are stored exactly, or refused', () => {
  it('keeps ISO years 0000 to 0099 (they were read as 1900 to 1999)', async () => {
    const b = await bucketFor('TSV');
    const r = await b.send(
      'POST',
      `[${one('"0099-12-31T00:00:00Z"')},${one('"0000-01-01T00:00:00Z"')}]`,
    );
    expect(r.status).toBe(200);
    const keys = (await b.records()).map((record: { key: number }) => record.key);
    expect(keys).toEqual([Date.parse('0000-01-01T00:00:00Z'), Date.parse('0099-12-31T00:00:00Z')]);
    expect(new Date(keys[1]).toISOString()).toBe('0099-12-31T00:00:00.000Z');
  });

  it('refuses a KV key with a lone surrogate escape, keeps a pair', async () => {
    const b = await bucketFor('KV');
    const lone = await b.send('POST', `[${one('"ok"')},${one('"a\\ud800"')}]`);
    expect(lone.status).toBe(422);
    expect(lone.json).toMatchObject({
      code: 'invalid_records',
      errors: [{ pointer: '/1/key', detail: expect.stringContaining('valid Unicode') }],
    });
    expect(await b.records()).toEqual([]);
    expect((await b.send('POST', `[${one('"\\ud83d\\ude00"')}]`)).status).toBe(200);
    expect((await b.records())[0].key).toBe('😀');
  });

  it('refuses bytes that are not UTF-8 instead of merging two keys into one', async () => {
    const b = await bucketFor('KV');
    const bytes = (text: string) => Buffer.from(text, 'latin1');
    // "a\xff" and "a\xfe": before, both became "a\ufffd", one record.
    const r = await b.send('POST', bytes(`[${one('"a\xff"')},${one('"a\xfe"')},${one('"b"')}]`));
    expect(r.status).toBe(422);
    expect(r.json.errors).toEqual([
      { pointer: '/0/key', detail: expect.stringContaining('not UTF-8') },
      { pointer: '/1/key', detail: expect.stringContaining('not UTF-8') },
    ]);
    expect(await b.records()).toEqual([]);
    // A stray byte outside a string, or after a backslash, is malformed JSON.
    expect((await b.send('POST', bytes(`[${one('1\xff')}]`))).json.code).toBe('malformed_json');
    expect((await b.send('POST', bytes(`[${one('"a\\\xff"')}]`))).json.code).toBe('malformed_json');
    // In a DELETE body too.
    const del = await b.send('DELETE', bytes('{"keys":["ok","\xc3"]}'));
    expect(del.status).toBe(422);
    expect(del.json.errors).toEqual([
      { pointer: '/keys/1', detail: expect.stringContaining('UTF-8') },
    ]);
  });
});

describe('every problem, in our words', () => {
  it('lists every query-string problem, each with its parameter', async () => {
    const b = await bucketFor('IV');
    const r = await call(`${b.url}?order=up&limit=0&limt=5&from=abc`, { key: b.key });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('invalid_query');
    expect(r.json.errors).toEqual([
      { parameter: 'limt', detail: expect.stringContaining('unknown parameter') },
      { parameter: 'order', detail: 'use asc or desc' },
      { parameter: 'limit', detail: 'an integer from 1 to 10000' },
      { parameter: 'from', detail: 'an IV key must be a safe integer' },
    ]);
    expect(r.json.detail).not.toMatch(/Invalid option|expected one of/);
    const twice = await call(`${b.url}?limit=1&limit=2`, { key: b.key });
    expect(twice.json.errors).toEqual([{ parameter: 'limit', detail: 'give this parameter once' }]);
    const kv = await bucketFor('KV');
    const escaped = await call(`${kv.url}?from=%ff`, { key: kv.key });
    expect(escaped.json.errors).toEqual([
      { parameter: 'from', detail: 'the value is not valid percent-encoded UTF-8' },
    ]);
    const down = await call(`${b.url}/downsample?points=0&from=soon&series=1,x`, { key: b.key });
    expect(down.json.errors.map((e: { parameter: string }) => e.parameter)).toEqual([
      'from',
      'points',
      'series',
    ]);
  });

  it('refuses unknown properties in a DELETE body, and a body with a query', async () => {
    const b = await bucketFor('IV');
    await b.send('POST', `[${one('1')},${one('2')}]`);
    const unknown = await b.send('DELETE', '{"keys":[1],"kyes":[2]}');
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors).toEqual([
      { pointer: '/kyes', detail: expect.stringContaining('unknown property') },
    ]);
    // Before, the query was silently dropped and key 1 deleted.
    const both = await b.send('DELETE', '{"keys":[1]}', '?from=2&to=2');
    expect(both.status).toBe(422);
    expect(both.json.code).toBe('conflicting_selection');
    expect(await b.records()).toHaveLength(2);
  });

  it('tells a write bigger than the whole per-minute budget apart from a busy minute', async () => {
    const limited = await startTestServer({ keyRateLimitPerMinute: 10 });
    const { bucket, key } = await provision(limited.store, 'IV');
    const url = `${limited.url}/api/buckets/${bucket.id}`;
    const records = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ k: i, d: [{ sk: 1, v: i }] }));
    const tooBig = await call(url, { method: 'POST', key, body: records(11) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json).toMatchObject({
      code: 'batch_exceeds_rate_limit',
      detail: expect.stringContaining('11 records'),
    });
    expect(tooBig.headers.get('retry-after')).toBeNull();
    expect((await call(url, { method: 'POST', key, body: records(10) })).status).toBe(200);
    expect((await call(url, { method: 'POST', key, body: records(1) })).json.code).toBe(
      'rate_limited',
    );
    await limited.stopAll();
  });
});
