import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import {
  bucketIdSchema,
  deleteBodySchema,
  deletedSchema,
  deleteQuerySchema,
  downsampledSchema,
  downsampleQuerySchema,
  readPageSchema,
  readQuerySchema,
  writeBodySchema,
  writeResultSchema,
} from '@bucketgrid/shared/rest-api';
import { z } from 'zod';
import { problemResponses, type RestProblemCode, successHeaders } from './problems.ts';

/**
 * The REST data API as an OpenAPI 3.1 document, generated from the zod schemas in
 * @bucketgrid/shared/rest-api. Request examples carry an extension the contract test
 * (test/openapi-contract.test.ts) replays them by: `x-bucket-type`, the type of bucket the
 * example is for (default TSV). `examples` holds only requests that succeed, since API tools
 * offer them to send; requests that are refused on purpose sit beside them in the media
 * type's `x-refused-examples`, each with the status it answers in `x-expect-status`.
 */

type Example = {
  summary: string;
  value: unknown;
  'x-bucket-type'?: string;
  'x-expect-status'?: number;
};

const KEY_ERRORS: RestProblemCode[] = [
  'missing_api_key',
  'invalid_api_key',
  'revoked_api_key',
  'expired_api_key',
  'insufficient_scope',
  'bucket_not_found',
  'rate_limited',
  'internal_error',
  'service_unavailable',
];
/** A route that reads no body still meets one: over 16 KiB, it is refused unread. */
const NO_BODY_ERRORS: RestProblemCode[] = ['payload_too_large'];
const BODY_ERRORS: RestProblemCode[] = [
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_records',
];

const WRITE_EXAMPLES: Record<string, Example> = {
  long: {
    summary: 'Long form, ISO 8601 and unix ms keys (TSV bucket)',
    value: [
      { key: '2025-10-20T10:00:00Z', data: [{ series_key: 1, value: 25.5 }] },
      {
        key: 1_760_954_460_000,
        data: [
          { series_key: 1, value: 25.7 },
          { series_key: 2, value: null },
        ],
      },
    ],
  },
  minified: {
    summary: 'Minified form (TSV bucket)',
    value: [
      { k: 1_760_954_520_000, d: [{ sk: 1, v: 25.9 }] },
      { k: '2025-10-20T12:03:00+02:00', d: [{ sk: 1, v: 26.1 }] },
    ],
  },
  kv: {
    summary: 'String keys (KV bucket)',
    value: [
      { key: 'berlin', data: [{ series_key: 1, value: 3_755_251 }] },
      { k: 'paris', d: [{ sk: 1, v: 2_102_650 }] },
    ],
    'x-bucket-type': 'KV',
  },
  iv: {
    summary: 'Integer keys (IV bucket)',
    value: [{ key: 42, data: [{ series_key: 1, value: 0.5 }] }],
    'x-bucket-type': 'IV',
  },
};

const REFUSED_WRITE_EXAMPLES: Record<string, Example> = {
  invalid: {
    summary: 'An invalid record: nothing is written (422)',
    value: [{ key: 1_760_954_400_000, data: [{ series_key: 0, value: 'hot' }] }],
    'x-expect-status': 422,
  },
};

const FIRST_KEY = '2025-10-20T10:00:00Z';

function json(
  schema: z.ZodType,
  description: string,
  examples: Record<string, Example>,
  refused: Record<string, Example>,
) {
  return {
    description,
    content: { 'application/json': { schema, examples, 'x-refused-examples': refused } },
  };
}

function ok(
  schema: z.ZodType,
  description: string,
  headers: ResponseConfig['headers'] = {},
): Record<string, ResponseConfig> {
  return {
    200: {
      description,
      headers: { ...successHeaders, ...headers },
      content: { 'application/json': { schema } },
    },
  };
}

/**
 * The read's other answer: with `format=csv` (or `Accept: text/csv`), the whole range as RFC
 * 4180 CSV, streamed.
 */
function withCsv(responses: Record<string, ResponseConfig>): Record<string, ResponseConfig> {
  const success = responses[200]!;
  return {
    ...responses,
    200: {
      ...success,
      description: `${success.description} With format=csv: the whole range as CSV (RFC 4180, UTF-8, CRLF): a header row (the key as \`time\` or \`key\`, then each series by its name and unit), then one row per record, an empty field where a record has no value.`,
      headers: {
        ...success.headers,
        'Content-Disposition': {
          description: 'With format=csv: `attachment` and a file name from the bucket’s name.',
          schema: { type: 'string' as const },
        },
      },
      content: {
        ...success.content,
        'text/csv': {
          schema: z
            .string()
            .meta({ example: 'time,Temperature (°C)\r\n2025-10-20T10:00:00.000Z,25.5\r\n' }),
        },
      },
    },
  };
}

const warningHeader = {
  Warning: {
    description:
      'Sent when the write looks like a mistake (the records were written as sent), as `299 - "text"`, with the same text as the body’s `warnings`: every numeric key of a TSV write before 2001, likely unix seconds instead of milliseconds.',
    schema: { type: 'string' as const },
  },
};

const bucketParams = z.object({ bucketId: bucketIdSchema });

function writeOperation(method: 'post' | 'put'): RouteConfig {
  const merge = method === 'post';
  return {
    method,
    path: '/api/buckets/{bucketId}',
    operationId: merge ? 'writeRecords' : 'replaceRecords',
    tags: ['Records'],
    summary: merge ? 'Write records (merge)' : 'Write records (replace)',
    description: merge
      ? 'Upserts records. A record whose key is new is inserted; for a key that exists, the given series replace those series and the record’s other series stay. All or nothing: if any record is invalid, nothing is written. A 200 means the records are on disk. Writes are upserts by key, so a write retried after a lost answer duplicates nothing. A body may be gzip-compressed (Content-Encoding: gzip).'
      : 'Upserts records like POST, except that for a key that exists the record is replaced as a whole: series the new record does not name are gone.',
    request: {
      params: bucketParams,
      body: {
        required: true,
        ...json(writeBodySchema, 'The records to write.', WRITE_EXAMPLES, REFUSED_WRITE_EXAMPLES),
      },
    },
    responses: {
      ...ok(writeResultSchema, 'Written: the records are on disk.', warningHeader),
      ...problemResponses([...BODY_ERRORS, 'batch_exceeds_rate_limit', ...KEY_ERRORS]),
    },
  };
}

function buildRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description:
      'An API key of the dashboard that owns the bucket (bg_prod_… or bg_dev_…), made on the dashboard’s API Keys tab. It opens every bucket of its dashboard and no other.',
  });

  registry.registerPath(writeOperation('post'));
  registry.registerPath(writeOperation('put'));
  registry.registerPath({
    method: 'get',
    path: '/api/buckets/{bucketId}',
    operationId: 'readRecords',
    tags: ['Records'],
    summary: 'Read records',
    description:
      'Reads records in key order, one page at a time: pass each page’s `next_cursor` as `cursor` (with the same `order`) until it is null.',
    request: {
      params: bucketParams,
      query: readQuerySchema.extend({
        from: readQuerySchema.shape.from.meta({ example: FIRST_KEY }),
        limit: readQuerySchema.shape.limit.meta({ example: 100 }),
        format: readQuerySchema.shape.format.meta({ example: 'min' }),
      }),
    },
    responses: {
      ...withCsv(ok(readPageSchema, 'A page of records.')),
      ...problemResponses(['invalid_query', 'invalid_cursor', ...NO_BODY_ERRORS, ...KEY_ERRORS]),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/buckets/{bucketId}/downsample',
    operationId: 'downsampleRecords',
    tags: ['Records'],
    summary: 'Read a range downsampled',
    description:
      'Reads a range as about `points` intervals of round width: per interval the record count and, per series, min, max, avg and last. A range that holds no more records than `points` comes back as its raw records (`interval` null). KV buckets are never aggregated: at most `points` raw records, `truncated` when more match.',
    request: {
      params: bucketParams,
      query: downsampleQuerySchema.extend({
        from: downsampleQuerySchema.shape.from.meta({ example: FIRST_KEY }),
        to: downsampleQuerySchema.shape.to.meta({ example: '2025-10-21T00:00:00Z' }),
        points: downsampleQuerySchema.shape.points.meta({ example: 24 }),
      }),
    },
    responses: {
      ...ok(downsampledSchema, 'The range, interval by interval.'),
      ...problemResponses(['invalid_query', ...NO_BODY_ERRORS, ...KEY_ERRORS, 'read_over_budget']),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/buckets/{bucketId}',
    operationId: 'deleteRecords',
    tags: ['Records'],
    summary: 'Delete records',
    description:
      'Deletes chosen records: the keys of a body {"keys": [...]}, or the inclusive range of the query parameters from and/or to. A request that selects nothing is refused (use purge to delete everything); keys or a range that match nothing delete nothing.',
    request: {
      params: bucketParams,
      query: deleteQuerySchema,
      body: {
        required: false,
        ...json(
          deleteBodySchema,
          'The keys to delete (instead of a range).',
          {
            keys: {
              summary: 'Chosen keys (TSV bucket)',
              value: { keys: ['2025-10-20T10:00:00Z', 1_760_954_460_000] },
            },
          },
          {
            empty: {
              summary: 'No keys: refused (422)',
              value: { keys: [] },
              'x-expect-status': 422,
            },
          },
        ),
      },
    },
    responses: {
      ...ok(deletedSchema, 'Deleted.'),
      ...problemResponses([
        'invalid_query',
        ...BODY_ERRORS,
        'empty_selection',
        'conflicting_selection',
        ...KEY_ERRORS,
      ]),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/buckets/{bucketId}/purge',
    operationId: 'purgeRecords',
    tags: ['Records'],
    summary: 'Delete every record',
    description:
      'Deletes every record of the bucket; the bucket, its settings and its keys stay. Takes no body: one is refused (415), so that nothing sent along is silently ignored.',
    request: { params: bucketParams },
    responses: {
      ...ok(deletedSchema, 'Deleted.'),
      ...problemResponses([...NO_BODY_ERRORS, 'unsupported_media_type', ...KEY_ERRORS]),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApiDocument',
    tags: ['Contract'],
    summary: 'This document',
    description: 'The data API as an OpenAPI 3.1 document. No key needed.',
    security: [],
    responses: {
      200: {
        description: 'The document.',
        content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
      },
      ...problemResponses([]),
    },
  });
  return registry;
}

const DESCRIPTION = `Programs push records into Data Buckets and read them back with an API key of the bucket's dashboard, sent in the \`X-API-Key\` header.

**Records.** A record is a key and 1–100 series values, in the long form \`{"key": K, "data": [{"series_key": 1, "value": 25.5}]}\` or the minified form \`{"k": K, "d": [{"sk": 1, "v": 25.5}]}\`. Series keys are integers 1–1000; a value is a finite number or null (a known gap). The key has the bucket's type: TSV, unix milliseconds or an ISO 8601 date-time with a zone; KV, a string of 1–256 characters; IV, a safe integer. Unknown properties and parameters are refused, not ignored.

**Errors** are \`application/problem+json\` (RFC 9457) with a stable \`code\`; \`errors\` lists up to 100 problems, each with a JSON \`pointer\` into the body or the query \`parameter\` it is about.

**Scopes.** A key holds some of three permissions: \`write\` (POST, PUT), \`read\` (GET, downsample) and \`delete\` (DELETE, purge), and may be limited to some buckets of its dashboard. A request outside its scope is \`403 insufficient_scope\`, whose \`detail\` names the missing permission or the bucket.

**Rate limits.** A key may spend 6,000,000 units a minute by default (a write one per record, any other request one). Answers carry \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\`; over the limit, \`429\` with \`Retry-After\`.

**Retries.** Retry network errors, \`429\` and \`503\` (after \`Retry-After\`, or with exponential backoff and jitter). Writes are upserts by key: a write retried after a lost answer duplicates nothing.`;

/** The document, generated once: it only changes with the code. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const generator = new OpenApiGeneratorV31(buildRegistry().definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Bucketgrid data API',
      version: '1',
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Every operation takes the key unless it says otherwise (the document itself).
    security: [{ apiKey: [] }],
    servers: [{ url: '/', description: 'This server' }],
    tags: [
      { name: 'Records', description: 'Write, read and delete the records of a bucket.' },
      { name: 'Contract', description: 'This API, machine readable.' },
    ],
  }) as unknown as Record<string, unknown>;
}
