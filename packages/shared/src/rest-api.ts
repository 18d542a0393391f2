import { z } from 'zod';
import { MAX_KV_KEY_LENGTH } from './bucket-key.ts';
import { DEFAULT_DOWNSAMPLE_POINTS, MAX_DOWNSAMPLE_POINTS } from './downsample.ts';
import type { ProblemCode } from './problems.ts';
import { DEFAULT_READ_LIMIT, MAX_READ_LIMIT } from './read-query.ts';
import { MAX_RECORDS_PER_WRITE, MAX_SERIES_KEY, MAX_SERIES_PER_RECORD } from './records.ts';

/**
 * The REST data API's bodies, query strings and answers as zod schemas: the OpenAPI document
 * (GET /api/openapi.json) is generated from them, the contract test checks the server's
 * answers against them, and a differential test holds the record schema to the hand-written
 * validator that the server runs for speed (parseRecordBatch).
 */

const DELETE_KEYS_MAX = 10_000;

/** A key as a client sends it, for any bucket type. */
export const recordKeyInputSchema = z
  .union([z.int(), z.string().min(1).max(MAX_KV_KEY_LENGTH)])
  .meta({
    id: 'RecordKeyInput',
    description:
      'In the bucket’s key type: TSV, unix milliseconds or an ISO 8601 date-time with a zone ("2025-10-20T10:00:00Z"); KV, a string of 1–256 characters; IV, a safe integer.',
    example: '2025-10-20T10:00:00Z',
  });

/** A key as the API returns it: TSV keys as unix milliseconds. */
export const recordKeySchema = z.union([z.int(), z.string()]).meta({
  id: 'RecordKey',
  description: 'TSV: unix milliseconds; KV: the string; IV: the integer.',
  example: 1_760_954_400_000,
});

const seriesKey = z.int().min(1).max(MAX_SERIES_KEY).meta({ description: 'Series key, 1–1000.' });
const seriesValue = z
  .number()
  .nullable()
  .meta({ description: 'A finite number, or null for a known gap.' });

function uniqueSeries(items: { series_key: number }[] | { sk: number }[]): boolean {
  const keys = items.map((item) => ('sk' in item ? item.sk : item.series_key));
  return new Set(keys).size === keys.length;
}
const SERIES_ONCE = { message: 'each series key at most once per record' };

function longRecord<K extends z.ZodType>(key: K) {
  return z.strictObject({
    key,
    data: z
      .array(z.strictObject({ series_key: seriesKey, value: seriesValue }))
      .min(1)
      .max(MAX_SERIES_PER_RECORD)
      .refine(uniqueSeries, SERIES_ONCE),
  });
}

function minRecord<K extends z.ZodType>(key: K) {
  return z.strictObject({
    k: key,
    d: z
      .array(z.strictObject({ sk: seriesKey, v: seriesValue }))
      .min(1)
      .max(MAX_SERIES_PER_RECORD)
      .refine(uniqueSeries, SERIES_ONCE),
  });
}

/**
 * The body of a write, with `key` the schema of one key: the OpenAPI document uses any key
 * (`recordKeyInputSchema`); the differential test uses each bucket type's exact key rule.
 */
export function writeBodySchemaFor<K extends z.ZodType>(key: K) {
  return z
    .array(z.union([longRecord(key), minRecord(key)]))
    .min(1)
    .max(MAX_RECORDS_PER_WRITE);
}

export const longRecordInputSchema = longRecord(recordKeyInputSchema).meta({
  id: 'LongRecordInput',
  description: 'A record in the long form: a key and 1–100 series values.',
});
export const minRecordInputSchema = minRecord(recordKeyInputSchema).meta({
  id: 'MinRecordInput',
  description: 'A record in the minified form (the same record with short names).',
});
export const writeBodySchema = z
  .array(z.union([longRecordInputSchema, minRecordInputSchema]))
  .min(1)
  .max(MAX_RECORDS_PER_WRITE)
  .meta({
    id: 'WriteBody',
    description:
      'A JSON array of 1–10,000 records in either form (mixed freely), at most 5 MiB after decompression. Records with the same key apply in order.',
  });

/**
 * What a successful write may warn about: `keys_look_like_seconds`, a TSV write whose numeric
 * keys all fall before 2001 (unix seconds sent where milliseconds are expected).
 */
export const WRITE_WARNING_CODES = ['keys_look_like_seconds'] as const;

export const writeResultSchema = z
  .strictObject({
    written: z.int().min(0).meta({ description: 'Records in the request.' }),
    inserted: z.int().min(0).meta({ description: 'Of those, records whose key was new.' }),
    updated: z.int().min(0).meta({
      description: 'Of those, records whose key existed (or came earlier in the same request).',
    }),
    warnings: z
      .array(
        z.strictObject({
          code: z.enum(WRITE_WARNING_CODES).meta({ description: 'Stable and machine readable.' }),
          detail: z.string().meta({ description: 'What looks wrong, and what to check.' }),
        }),
      )
      .optional()
      .meta({
        description:
          'Present only when something in a written request looks like a mistake. The records were written as sent; the same warnings come in the Warning header.',
      }),
  })
  .meta({ id: 'WriteResult' });

export const longRecordSchema = z
  .strictObject({
    key: recordKeySchema,
    data: z.array(z.strictObject({ series_key: seriesKey, value: seriesValue })),
  })
  .meta({ id: 'LongRecord' });
export const minRecordSchema = z
  .strictObject({
    k: recordKeySchema,
    d: z.array(z.strictObject({ sk: seriesKey, v: seriesValue })),
  })
  .meta({ id: 'MinRecord' });

const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass it as `cursor` to read the next page; null on the last page.' });
export const readPageSchema = z
  .union([
    z.strictObject({ records: z.array(longRecordSchema), next_cursor: nextCursor }),
    z.strictObject({ records: z.array(minRecordSchema), next_cursor: nextCursor }),
  ])
  .meta({
    id: 'RecordPage',
    description: 'One page of records in key order: long form, or minified with format=min.',
  });

const figures = z.array(z.number().nullable());
export const downsampledSchema = z
  .strictObject({
    interval: z.int().min(1).nullable().meta({
      description:
        'The width of each interval in key units (ms for TSV), or null when the keys are the raw records’ own.',
    }),
    keys: z.array(recordKeySchema).meta({ description: 'Each interval’s start, or record’s key.' }),
    count: z.array(z.int().min(0)).meta({ description: 'Records per interval.' }),
    series: z
      .record(
        z.string().regex(/^\d+$/),
        z.strictObject({ min: figures, max: figures, avg: figures, last: figures }),
      )
      .meta({
        description: 'Series key → its figures, one entry per interval (null: no value there).',
      }),
    truncated: z.boolean().meta({
      description: 'KV buckets only (never aggregated): more records match than `points`.',
    }),
    coarsened: z
      .strictObject({
        budget: z.enum(['figures', 'raw_records']).meta({
          description:
            '`figures`: intervals × series over the read budget; `raw_records`: more records to fold than the read budget.',
        }),
        requestedPoints: z.int().min(1).meta({ description: 'The points asked for.' }),
        points: z.int().min(1).meta({ description: 'The points the read was run with.' }),
        approximateIntervals: z.int().min(0).meta({
          description:
            'Intervals answered from whole stored cells: cut by the range’s ends (they include records just outside it) or awaiting upkeep (they may miss the last seconds’ writes).',
        }),
      })
      .optional()
      .meta({
        description:
          'Present only when the read went past its cost budget (see the read budgets in the docs): the answer has wider intervals than asked, or approximate ones.',
      }),
  })
  .meta({ id: 'Downsampled', description: 'A range as intervals, column by column.' });

export const deleteBodySchema = z
  .strictObject({
    keys: z.array(recordKeyInputSchema).min(1).max(DELETE_KEYS_MAX),
  })
  .meta({ id: 'DeleteBody', description: 'The keys of the records to delete (1–10,000).' });

export const deletedSchema = z
  .strictObject({ deleted: z.int().min(0).meta({ description: 'Records deleted.' }) })
  .meta({ id: 'Deleted' });

const keyParameter = (description: string) => z.string().min(1).optional().meta({ description });

export const readQuerySchema = z.strictObject({
  from: keyParameter('The first key to read (inclusive), in the bucket’s key type.'),
  to: keyParameter('The last key to read (inclusive), in the bucket’s key type.'),
  order: z.enum(['asc', 'desc']).optional().meta({ description: 'Key order (default asc).' }),
  limit: z
    .int()
    .min(1)
    .max(MAX_READ_LIMIT)
    .optional()
    .meta({ description: `Records per page (default ${DEFAULT_READ_LIMIT}).` }),
  cursor: z
    .string()
    .optional()
    .meta({ description: 'The `next_cursor` of the previous page (same `order`).' }),
  format: z.enum(['min', 'csv']).optional().meta({
    description:
      'min: records in the minified form (k, d, sk, v). csv: the whole range (from, to, order; no limit or cursor) as one CSV download, as `Accept: text/csv` also asks.',
  }),
  key_format: z.enum(['iso', 'ms']).optional().meta({
    description:
      'CSV of a TSV bucket only: keys as ISO 8601 in UTC (iso, the default) or unix milliseconds (ms).',
  }),
});

export const downsampleQuerySchema = z.strictObject({
  from: keyParameter('The start of the range (inclusive); default: the first record.'),
  to: keyParameter('The end of the range (inclusive); default: the last record.'),
  points: z
    .int()
    .min(1)
    .max(MAX_DOWNSAMPLE_POINTS)
    .optional()
    .meta({ description: `About how many intervals (default ${DEFAULT_DOWNSAMPLE_POINTS}).` }),
  series: z
    .string()
    .regex(/^\d+(,\d+)*$/)
    .optional()
    .meta({
      description: 'Only these series keys, comma-separated (1–100); default: every series.',
      example: '1,2',
    }),
});

export const deleteQuerySchema = z.strictObject({
  from: keyParameter('Delete from this key (inclusive).'),
  to: keyParameter('Delete up to this key (inclusive).'),
});

export const bucketIdSchema = z
  .string()
  .regex(/^[0-9A-Za-z_-]{1,64}$/)
  .meta({
    description: 'The bucket’s id (on its page in the app).',
    example: 'BUCKET_ID',
  });

/** Every code an /api answer may carry (the contract test holds the server to this list). */
export const REST_PROBLEM_CODES = [
  'malformed_json',
  'malformed_request',
  'invalid_query',
  'invalid_cursor',
  'missing_api_key',
  'invalid_api_key',
  'revoked_api_key',
  'expired_api_key',
  'insufficient_scope',
  'not_found',
  'bucket_not_found',
  'method_not_allowed',
  'request_timeout',
  'payload_too_large',
  'batch_exceeds_rate_limit',
  'unsupported_media_type',
  'invalid_records',
  'empty_selection',
  'conflicting_selection',
  'rate_limited',
  'too_many_connections',
  'headers_too_large',
  'internal_error',
  'service_unavailable',
  'read_over_budget',
] as const satisfies readonly ProblemCode[];

export const problemSchema = z
  .strictObject({
    type: z.string().meta({ description: 'A URI naming the problem type.' }),
    title: z.string(),
    status: z.int(),
    detail: z.string().meta({ description: 'What went wrong and what to do, in words.' }),
    code: z.enum(REST_PROBLEM_CODES).meta({ description: 'Stable and machine readable.' }),
    errors: z
      .array(
        z.strictObject({
          pointer: z
            .string()
            .optional()
            .meta({ description: 'Where in the body (a JSON pointer, RFC 6901).' }),
          parameter: z.string().optional().meta({ description: 'Which query parameter.' }),
          detail: z.string(),
        }),
      )
      .max(100)
      .optional()
      .meta({ description: 'Up to 100 problems, each in the body or the query string.' }),
  })
  .meta({ id: 'Problem', description: 'An error (RFC 9457 problem details).' });
