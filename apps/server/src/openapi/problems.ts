import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { AppError, problemCatalog } from '@bucketgrid/shared';
import { problemSchema, type REST_PROBLEM_CODES } from '@bucketgrid/shared/rest-api';

export type RestProblemCode = (typeof REST_PROBLEM_CODES)[number];

/** When each problem happens, in the words the document and its examples use. */
const WHEN: Record<RestProblemCode, string> = {
  malformed_json: 'The body is not JSON, or not valid gzip.',
  malformed_request: 'The request is not valid HTTP/1.1.',
  invalid_query:
    'A query parameter is unknown, given twice, or not valid, or `from` is after `to`; `errors` names each one.',
  invalid_cursor: 'The cursor is not one this bucket returned for this order.',
  missing_api_key: 'Send your API key in the X-API-Key header.',
  invalid_api_key:
    'The X-API-Key value is not a Bucketgrid API key (wrong format or checksum), or no such key exists.',
  revoked_api_key: 'This API key was revoked; create a new one.',
  expired_api_key: 'This API key has expired; create or roll a new one.',
  insufficient_scope:
    'This API key lacks the permission the request needs (write for POST and PUT, read for GET and downsample, delete for DELETE and purge), or may not touch this bucket; `detail` names which.',
  not_found: 'No such path under /api.',
  bucket_not_found:
    'No such bucket in this dashboard (check the bucket id). A bucket of another dashboard answers the same.',
  method_not_allowed: 'This path does not take this method; the Allow header lists those it takes.',
  request_timeout:
    'The headers did not arrive within 10 s, or the whole request within 60 s: send faster, or less at once.',
  payload_too_large:
    'The body is over 5 MiB (after decompression) on a write or delete, or over 16 KiB on a route that takes none; send fewer records per request.',
  batch_exceeds_rate_limit:
    'This write holds more records than the key may write in a minute: split it into smaller writes (waiting would not help).',
  unsupported_media_type:
    'Send the body as JSON with the header Content-Type: application/json (gzip is the only Content-Encoding); a route that takes no body (purge) refuses one.',
  invalid_records:
    'Some records (or keys) are not valid; `errors` points at each problem, and nothing was written.',
  empty_selection:
    'The DELETE names no records: send {"keys": [...]} or the query parameters from and/or to.',
  conflicting_selection:
    'The DELETE sends both a body and a range: choose records by key or by range, not both.',
  rate_limited:
    'Over the rate limit (this key’s, or failed key attempts from this address): wait Retry-After seconds.',
  too_many_connections:
    'This address holds too many open connections (256 by default): reuse them (keep-alive) or close some, and retry after Retry-After seconds.',
  headers_too_large: 'The request headers are over 16 KiB.',
  internal_error: 'A fault on the server’s side; the body never holds internals.',
  service_unavailable: 'The store cannot answer now: wait Retry-After seconds and retry.',
  read_over_budget:
    'A downsampled read would fold more records than its budget at any interval width: records written moments ago whose figures await upkeep. Retry after Retry-After seconds, or ask for a shorter range.',
};

/** The problems whose answers carry Retry-After. */
const RETRY_AFTER = new Set<RestProblemCode>([
  'rate_limited',
  'too_many_connections',
  'service_unavailable',
  'read_over_budget',
]);

const rateLimitHeaders = {
  'RateLimit-Limit': {
    description: 'Units this key may spend per minute (a write spends one per record).',
    schema: { type: 'integer' as const },
  },
  'RateLimit-Remaining': {
    description: 'Units left in the current minute.',
    schema: { type: 'integer' as const },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the minute ends.',
    schema: { type: 'integer' as const },
  },
};

export const successHeaders = rateLimitHeaders;

/**
 * What any request may meet before it reaches its operation: the server's limits on
 * connections and request heads (docs/architecture.md, "Limits and abuse").
 */
const TRANSPORT_ERRORS: RestProblemCode[] = [
  'request_timeout',
  'too_many_connections',
  'headers_too_large',
];

/**
 * The error answers of an operation (its own `codes` and the transport's): one response per
 * status, an example per code.
 */
export function problemResponses(
  codes: readonly RestProblemCode[],
): Record<string, ResponseConfig> {
  const byStatus = new Map<number, RestProblemCode[]>();
  for (const code of [...codes, ...TRANSPORT_ERRORS]) {
    const status = problemCatalog[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retryAfter = group.some((code) => RETRY_AFTER.has(code));
    responses[String(status)] = {
      description: group.map((code) => `\`${code}\`: ${WHEN[code]}`).join('\n\n'),
      headers: retryAfter
        ? {
            'Retry-After': {
              description: 'Seconds to wait before sending the request again.',
              schema: { type: 'integer' },
            },
            ...(group.includes('rate_limited') ? rateLimitHeaders : {}),
          }
        : undefined,
      content: {
        'application/problem+json': {
          schema: problemSchema,
          examples: Object.fromEntries(
            group.map((code) => [
              code,
              {
                summary: problemCatalog[code].title,
                value: new AppError(code, WHEN[code]).toProblem(),
              },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}
