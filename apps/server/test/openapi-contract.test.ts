/**
 * The OpenAPI document against the running server: its examples are replayed, and every answer
 * (success and problem+json) must be a status the document lists for that operation, with a
 * body its schema accepts. Then the errors every operation can meet are provoked one by one,
 * and the query parameters are tried just inside and just outside the bounds the document
 * gives them. So the document and the server cannot drift apart without this failing.
 */
import { createApiKey, createBucket, revokeApiKey } from '@bucketgrid/services';
import type { BucketType } from '@bucketgrid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { silentLogger } from '../src/log.ts';
import { call, expressRoutes, provision, startTestServer, type TestServer } from './helpers.ts';
import {
  type OpenApiDocument,
  type Operation,
  operationsOf,
  schemaChecker,
  segment,
} from './openapi-schemas.ts';
import { openSocket } from './raw-http.ts';

let server: TestServer;
let document: OpenApiDocument;
let check: ReturnType<typeof schemaChecker>;
let key: string;
const buckets = {} as Record<BucketType, string>;

beforeAll(async () => {
  server = await startTestServer();
  const answer = await call(`${server.url}/api/openapi.json`);
  expect(answer.status).toBe(200);
  document = answer.json;
  check = schemaChecker(document);
  const setup = await provision(server.store, 'TSV');
  key = setup.key;
  buckets.TSV = setup.bucket.id;
  for (const type of ['KV', 'IV'] as const) {
    const bucket = await createBucket(server.store, {
      dashboardId: setup.dashboard.id,
      name: type,
      type,
    });
    buckets[type] = bucket.id;
  }
});
afterAll(() => server.stopAll());

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
}

/**
 * Fails unless the document lists this answer for the operation (its status and, for a
 * problem, its code) and its schema accepts it.
 */
function expectDocumented(operation: Operation, answer: Answer, what: string): void {
  const where = `${operation.method.toUpperCase()} ${operation.path} (${what})`;
  const response = operation.spec.responses[String(answer.status)];
  expect(response, `${where}: status ${answer.status} is not documented`).toBeDefined();
  const type = (answer.headers.get('content-type') ?? '').split(';')[0]!;
  expect(Object.keys(response.content ?? {}), `${where}: content type`).toContain(type);
  const schema = `${operation.pointer}/responses/${answer.status}/content/${segment(type)}/schema`;
  expect(check(schema, answer.json), `${where}: ${JSON.stringify(answer.json)}`).toEqual([]);
  if (type === 'application/problem+json') {
    // The operation lists each problem it may answer with as an example, by code.
    const codes = Object.keys(response.content[type].examples ?? {});
    expect(codes, `${where}: code`).toContain((answer.json as { code: string }).code);
  }
}

function url(operation: Operation, bucketId: string, query: Record<string, string> = {}): string {
  const path = operation.path.replace('{bucketId}', bucketId);
  const search = new URLSearchParams(query).toString();
  return `${server.url}${path}${search ? `?${search}` : ''}`;
}

const secured = (operation: Operation) =>
  (operation.spec.security ?? document.security ?? []).length > 0;

/** The order the examples are replayed in: writes first, so reads find records. */
const REPLAY_ORDER = [
  'writeRecords',
  'replaceRecords',
  'readRecords',
  'downsampleRecords',
  'deleteRecords',
  'purgeRecords',
  'getOpenApiDocument',
];

describe('the examples, replayed', () => {
  it('covers every operation of the document', () => {
    expect(
      operationsOf(document)
        .map((o) => o.spec.operationId)
        .sort(),
    ).toEqual([...REPLAY_ORDER].sort());
  });

  it('answer as the document says, with bodies its schemas accept', async () => {
    const operations = operationsOf(document).sort(
      (a, b) => REPLAY_ORDER.indexOf(a.spec.operationId) - REPLAY_ORDER.indexOf(b.spec.operationId),
    );
    let replayed = 0;
    for (const operation of operations) {
      const headers: Record<string, string> = secured(operation) ? { 'x-api-key': key } : {};
      const media = operation.spec.requestBody?.content?.['application/json'];
      const examples = Object.entries<{
        value: unknown;
        'x-bucket-type'?: BucketType;
        'x-expect-status'?: number;
      }>({ ...media?.examples, ...media?.['x-refused-examples'] });
      for (const [name, example] of examples) {
        const bucket = buckets[example['x-bucket-type'] ?? 'TSV'];
        const answer = await call(url(operation, bucket), {
          method: operation.method.toUpperCase(),
          headers,
          body: example.value,
        });
        expect(answer.status, `${operation.spec.operationId} ${name}`).toBe(
          example['x-expect-status'] ?? 200,
        );
        expectDocumented(operation, answer, `example ${name}`);
        replayed++;
      }
      const query = Object.fromEntries(
        (operation.spec.parameters ?? [])
          .filter((p: { in: string; schema: { example?: unknown } }) => p.in === 'query')
          .filter((p: { schema: { example?: unknown } }) => p.schema.example !== undefined)
          .map((p: { name: string; schema: { example: unknown } }) => [
            p.name,
            String(p.schema.example),
          ]),
      );
      if (examples.length === 0 || Object.keys(query).length > 0) {
        const answer = await call(url(operation, buckets.TSV, query), {
          method: operation.method.toUpperCase(),
          headers,
        });
        expect(answer.status, `${operation.spec.operationId} ${JSON.stringify(query)}`).toBe(200);
        expectDocumented(operation, answer, `query ${JSON.stringify(query)}`);
        replayed++;
      }
    }
    expect(replayed).toBeGreaterThanOrEqual(12);
  });
});

describe('the routes', () => {
  it('of the app under /api are the document’s operations, no more and no fewer', async () => {
    const app = createApp({ store: server.store, logger: silentLogger });
    const served = expressRoutes(app)
      .filter((route) => route.path.startsWith('/api/'))
      .map((route) => `${route.method} ${route.path.replaceAll(/:(\w+)/g, '{$1}')}`);
    await app.stop();
    const documented = operationsOf(document).map(
      ({ method, path }) => `${method.toUpperCase()} ${path}`,
    );
    expect(served.sort()).toEqual(documented.sort());
  });

  it('are those of the document: its paths allow exactly its methods, other paths are 404', async () => {
    const methods = new Map<string, string[]>();
    for (const { path, method } of operationsOf(document)) {
      methods.set(path, [...(methods.get(path) ?? []), method.toUpperCase()]);
    }
    for (const [path, documented] of methods) {
      const target = `${server.url}${path.replace('{bucketId}', buckets.TSV)}`;
      for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        if (documented.includes(method)) continue;
        const answer = await call(target, { method, headers: { 'x-api-key': key } });
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(answer.json.code).toBe('method_not_allowed');
        const allowed = answer.headers.get('allow')!.split(', ');
        expect(allowed.sort(), `Allow of ${path}`).toEqual([...documented].sort());
      }
    }
    for (const path of ['/api', '/api/buckets', `/api/buckets/${buckets.TSV}/records`, '/api/v2']) {
      const answer = await call(`${server.url}${path}`, { headers: { 'x-api-key': key } });
      expect(answer.status, path).toBe(404);
      expect(answer.json.code).toBe('not_found');
    }
  });
});

describe('the errors every operation can meet', () => {
  it('keys: missing, not a key, unknown, revoked, expired; buckets: unknown, foreign', async () => {
    const other = await provision(server.store, 'TSV');
    const revoked = await createApiKey(
      server.store,
      { dashboardId: other.dashboard.id, name: 'r', type: 'development', createdBy: null },
      server.clock.now,
    );
    await revokeApiKey(server.store, revoked.apiKey, server.clock.now);
    const expiring = await createApiKey(
      server.store,
      {
        dashboardId: other.dashboard.id,
        name: 'e',
        type: 'development',
        createdBy: null,
        expiresAt: server.clock.now + 1000,
      },
      server.clock.now,
    );
    const cases: [string, Record<string, string>, string, string][] = [
      ['no key', {}, buckets.TSV, 'missing_api_key'],
      ['not a key', { 'x-api-key': 'bg_prod_nope' }, buckets.TSV, 'invalid_api_key'],
      ['revoked', { 'x-api-key': revoked.key }, other.bucket.id, 'revoked_api_key'],
      ['expired', { 'x-api-key': expiring.key }, other.bucket.id, 'expired_api_key'],
      ['unknown bucket', { 'x-api-key': key }, 'b0000000000000000000', 'bucket_not_found'],
      ['foreign bucket', { 'x-api-key': key }, other.bucket.id, 'bucket_not_found'],
    ];
    server.clock.now += 2000;
    try {
      for (const operation of operationsOf(document).filter(secured)) {
        for (const [what, headers, bucket, code] of cases) {
          const answer = await call(url(operation, bucket), {
            method: operation.method.toUpperCase(),
            headers,
            body: operation.spec.requestBody ? [] : undefined,
          });
          expect(answer.json?.code, `${operation.spec.operationId}: ${what}`).toBe(code);
          expectDocumented(operation, answer, what);
        }
      }
    } finally {
      server.clock.now -= 2000;
    }
  });

  it('bodies: not JSON, not declared JSON, too large', async () => {
    for (const operation of operationsOf(document).filter((o) => o.spec.requestBody)) {
      const target = url(operation, buckets.TSV);
      const method = operation.method.toUpperCase();
      const headers = { 'x-api-key': key, 'content-type': 'application/json' };
      const cases: [string, Answer, string][] = [
        ['not JSON', await call(target, { method, headers, raw: '[{' }), 'malformed_json'],
        [
          'not declared JSON',
          await call(target, {
            method,
            headers: { ...headers, 'content-type': 'text/plain' },
            raw: '[]',
          }),
          'unsupported_media_type',
        ],
        [
          'over 5 MiB',
          await call(target, { method, headers, raw: `[${' '.repeat(5 * 1024 * 1024)}]` }),
          'payload_too_large',
        ],
      ];
      for (const [what, answer, code] of cases) {
        expect(
          (answer.json as { code?: string }).code,
          `${operation.spec.operationId}: ${what}`,
        ).toBe(code);
        expectDocumented(operation, answer, what);
      }
    }
  });

  it('a DELETE with both a body and a range', async () => {
    const operation = operationsOf(document).find((o) => o.spec.operationId === 'deleteRecords')!;
    const answer = await call(url(operation, buckets.IV, { from: '1' }), {
      method: 'DELETE',
      headers: { 'x-api-key': key },
      body: { keys: [1] },
    });
    expect(answer.json?.code).toBe('conflicting_selection');
    expectDocumented(operation, answer, 'body and range');
  });

  it('request heads over 16 KiB', async () => {
    for (const operation of operationsOf(document)) {
      const answer = await call(url(operation, buckets.TSV), {
        method: operation.method.toUpperCase(),
        headers: { 'x-api-key': key, 'x-padding': 'x'.repeat(17 * 1024) },
      });
      expect(answer.json?.code, operation.spec.operationId).toBe('headers_too_large');
      expectDocumented(operation, answer, 'a 17 KiB header');
    }
  });

  it('connections over the per-address cap', async () => {
    const capped = await startTestServer({ maxConnectionsPerAddress: 1 });
    const held = await openSocket(capped.url);
    try {
      for (const operation of operationsOf(document)) {
        const target = url(operation, buckets.TSV).replace(server.url, capped.url);
        const answer = await call(target, { method: operation.method.toUpperCase() });
        expect(answer.json?.code, operation.spec.operationId).toBe('too_many_connections');
        expectDocumented(operation, answer, 'a second connection');
      }
    } finally {
      held.destroy();
      await capped.stopAll();
    }
  });

  it('query parameters: unknown, and just inside and just outside each documented bound', async () => {
    for (const operation of operationsOf(document).filter(secured)) {
      const parameters = (operation.spec.parameters ?? []).filter(
        (p: { in: string }) => p.in === 'query',
      ) as { name: string; schema: { minimum?: number; maximum?: number; enum?: string[] } }[];
      if (parameters.length === 0) continue;
      const method = operation.method.toUpperCase();
      const probe = async (query: Record<string, string>, expected: number) => {
        const answer = await call(url(operation, buckets.IV, query), {
          method,
          headers: { 'x-api-key': key },
        });
        expect(answer.status, `${operation.spec.operationId} ${JSON.stringify(query)}`).toBe(
          expected,
        );
        expectDocumented(operation, answer, JSON.stringify(query));
      };
      await probe({ frobnicate: '1' }, 400);
      for (const { name, schema } of parameters) {
        if (schema.minimum !== undefined) {
          await probe({ [name]: String(schema.minimum) }, 200);
          await probe({ [name]: String(schema.minimum - 1) }, 400);
        }
        if (schema.maximum !== undefined) {
          await probe({ [name]: String(schema.maximum) }, 200);
          await probe({ [name]: String(schema.maximum + 1) }, 400);
        }
        for (const value of schema.enum ?? []) await probe({ [name]: value }, 200);
        if (schema.enum) await probe({ [name]: 'sideways' }, 400);
      }
    }
  });

  it('rate limits: 429 with Retry-After once a key has spent its minute, 413 for a write larger than it', async () => {
    const limited = await startTestServer({ keyRateLimitPerMinute: 1 });
    try {
      const setup = await provision(limited.store, 'TSV');
      for (const operation of operationsOf(document).filter(secured)) {
        const target = url(operation, setup.bucket.id).replace(server.url, limited.url);
        const body = operation.spec.requestBody
          ? operation.method === 'delete'
            ? { keys: [1] }
            : [{ k: 1, d: [{ sk: 1, v: 1 }] }]
          : undefined;
        let answer: Answer | undefined;
        for (let i = 0; i < 2; i++) {
          answer = await call(target, {
            method: operation.method.toUpperCase(),
            headers: { 'x-api-key': setup.key },
            body,
          });
        }
        expect(answer!.status, operation.spec.operationId).toBe(429);
        expect(answer!.headers.get('retry-after')).toMatch(/^\d+$/);
        expectDocumented(operation, answer!, 'over the limit');
        limited.clock.now += 60_000;
        if (body === undefined || operation.method === 'delete') continue;
        // A write larger than the whole minute's budget could never succeed: 413, not 429.
        const tooLarge = await call(target, {
          method: operation.method.toUpperCase(),
          headers: { 'x-api-key': setup.key },
          body: [...(body as unknown[]), { k: 2, d: [{ sk: 1, v: 2 }] }],
        });
        expect(tooLarge.json?.code, operation.spec.operationId).toBe('batch_exceeds_rate_limit');
        expectDocumented(operation, tooLarge, 'more records than a minute allows');
      }
    } finally {
      await limited.stopAll();
    }
  });
});
