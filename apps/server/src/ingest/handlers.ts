import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  apiKeyAuthor,
  bucketOfDashboard,
  deleteRecords,
  downsampleRecordsJson,
  getBucketOrThrow,
  purgeRecords,
  type RateLimitOutcome,
  type Reader,
  type ReadLimits,
  readRecordsJson,
  writeRecords,
} from '@bucketgrid/services';
import {
  AppError,
  encodeCursor,
  type KeyPermission,
  keysLookLikeSeconds,
  type ProblemDetailItem,
  parseRecordBatch,
  parseRecordBatchText,
  queryProblem,
  readQueryOf,
} from '@bucketgrid/shared';
import type { Store, WriteMode } from '@bucketgrid/store';
import { hasBody } from '../http/body.ts';
import { SECURITY_HEADERS, sendJson, sendJsonText } from '../http/responses.ts';
import { countValues, type ServerMetrics } from '../metrics/metrics.ts';
import { noteKeyId } from '../metrics/requests.ts';
import type { AccessCache, ApiKeyGrant } from './access-cache.ts';
import { csvKeyFormat, sendCsv, takeExportSlot, wantsCsv } from './csv-export.ts';
import { parseJson, readJsonText } from './json-body.ts';
import type { KeyService, KeySpend, KeyVerification } from './key-service.ts';
import { parseQueryString } from './query.ts';
import { conflictingSelection, selectionFromBody, selectionFromQuery } from './selection.ts';

export interface IngestDeps {
  store: Store;
  /** Reads count against their API key here (read-limits.ts in @bucketgrid/services). */
  readLimits: ReadLimits;
  keys: KeyService;
  /** Keys and buckets kept in memory while exact: the lookups of every request. */
  access: AccessCache;
  /** The client's address, for the failed-key limit (http/client-address.ts). */
  clientAddress: (req: IncomingMessage) => string;
  /** Counts the records and values written. */
  metrics: ServerMetrics;
  /** The server's clock (for the activity log's times). */
  now: () => number;
}

/**
 * One REST data API request on a bucket (SPEC §3). Handlers throw AppError for what the
 * client must fix; the caller hands anything thrown to the one error responder.
 */
export type BucketHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  bucketId: string,
) => Promise<void>;

export interface IngestHandlers {
  /** POST: the given series replace those series; the record's other series stay. */
  merge: BucketHandler;
  /** PUT: the record's series are replaced as a whole. */
  replace: BucketHandler;
  read: BucketHandler;
  downsample: BucketHandler;
  remove: BucketHandler;
  purge: BucketHandler;
}

export function createIngestHandlers(deps: IngestDeps): IngestHandlers {
  const { store, keys } = deps;

  /**
   * X-API-Key → the key, which must hold `permission`, and the path's bucket, which must
   * belong to the key's dashboard (else 404, as for a bucket that never existed) and be
   * within the key's buckets (else 403).
   */
  async function authorize(
    req: IncomingMessage,
    res: ServerResponse,
    bucketId: string,
    permission: KeyPermission,
  ) {
    const address = deps.clientAddress(req);
    const verified = await keys.verify(headerValue(req, 'x-api-key'), address);
    if (!verified.valid) throw keyRefusal(res, verified);
    const { key } = verified;
    noteKeyId(req, key.id);
    keys.checkScope(key, permission);
    const bucket = bucketOfDashboard(
      await deps.access.getBucket(bucketId),
      key.dashboardId,
      'bucket_not_found',
    );
    keys.checkScope(key, permission, bucket.id);
    return { key, bucket, address };
  }

  const keyReader = (key: ApiKeyGrant): Reader => ({
    limits: deps.readLimits,
    principal: `key:${key.id}`,
  });

  function spend(res: ServerResponse, key: ApiKeyGrant, weight: number): RateLimitOutcome {
    const spent = keys.spend(key, weight);
    if (!spent.allowed) throw spendRefusal(res, spent, weight);
    return spent.limit;
  }

  const write =
    (mode: WriteMode): BucketHandler =>
    async (req, res, bucketId) => {
      const { key, bucket } = await authorize(req, res, bucketId, 'write');
      const text = await readJsonText(req);
      const tally = bucket.type === 'TSV' ? { numeric: 0, before2001: 0 } : undefined;
      const records =
        parseRecordBatchText(text, bucket.type, tally) ??
        parseRecordBatch(parseJson(text), bucket.type, tally);
      const limit = spend(res, key, records.length);
      let result: { inserted: number; updated: number };
      try {
        result = await writeRecords(store, bucket, records, mode);
      } catch (error) {
        setRateLimitHeaders(res, limit);
        throw error;
      }
      // The 200 of a write, headers and all in one writeHead (the hot path).
      const counts = `"written":${records.length},"inserted":${result.inserted},"updated":${result.updated}`;
      const headers = [
        'content-type',
        'application/json; charset=utf-8',
        ...rateLimitHeaders(limit),
        ...SECURITY_HEADERS,
      ];
      let body = `{${counts}}`;
      if (tally !== undefined && keysLookLikeSeconds(tally)) {
        body = `{${counts},"warnings":[${JSON.stringify(SECONDS_WARNING)}]}`;
        headers.push('warning', `299 - "${SECONDS_WARNING.detail}"`);
      }
      headers.push('content-length', String(body.length));
      res.writeHead(200, headers);
      res.end(body);
      let values = 0;
      for (const record of records) values += countValues(record);
      deps.metrics.ingested(records.length, values);
    };

  const read: BucketHandler = async (req, res, bucketId) => {
    const { key, bucket } = await authorize(req, res, bucketId, 'read');
    const problems: ProblemDetailItem[] = [];
    const params = parseQueryString(req.url!, problems);
    const { format } = params;
    const csv = wantsCsv(req, format);
    const query = readQueryOf(bucket, params, problems, ['format', ...(csv ? ['key_format'] : [])]);
    if (format !== undefined && format !== 'min' && format !== 'csv') {
      problems.push({
        parameter: 'format',
        detail: 'min (minified records) or csv (the whole range as CSV); omit it for the long form',
      });
    }
    if (csv) {
      const keyFormat = csvKeyFormat(bucket, params, problems);
      if (problems.length > 0) throw queryProblem(problems);
      const release = takeExportSlot();
      try {
        const limit = spend(res, key, 1);
        const headers = rateLimitHeaders(limit);
        await sendCsv(res, store, bucket, query, keyFormat, headers, keyReader(key));
      } finally {
        release();
      }
      return;
    }
    if (problems.length > 0) throw queryProblem(problems);
    setRateLimitHeaders(res, spend(res, key, 1));
    const form = format === 'min' ? 'min' : 'long';
    const page = await readRecordsJson(store, bucket, query, form, keyReader(key));
    const cursor =
      page.hasMore && page.lastKey !== undefined
        ? encodeCursor(bucket.id, query.order, page.lastKey)
        : null;
    // {"records": […], "next_cursor": …}, the records' text as the reader thread wrote it.
    sendJsonText(
      res,
      200,
      '{"records":',
      page.records,
      `,"next_cursor":${JSON.stringify(cursor)}}`,
    );
  };

  /** GET …/downsample: `from`, `to`, `points`, `series` (comma-separated series keys). */
  const downsample: BucketHandler = async (req, res, bucketId) => {
    const { key, bucket } = await authorize(req, res, bucketId, 'read');
    const problems: ProblemDetailItem[] = [];
    const params = parseQueryString(req.url!, problems);
    if (problems.length > 0) throw queryProblem(problems);
    setRateLimitHeaders(res, spend(res, key, 1));
    sendJsonText(res, 200, await downsampleRecordsJson(store, bucket, params, keyReader(key)));
  };

  const remove: BucketHandler = async (req, res, bucketId) => {
    const { key, bucket, address } = await authorize(req, res, bucketId, 'delete');
    const problems: ProblemDetailItem[] = [];
    const query = parseQueryString(req.url!, problems);
    if (problems.length > 0) throw queryProblem(problems);
    let selection: ReturnType<typeof selectionFromQuery>;
    if (hasBody(req)) {
      if (Object.keys(query).length > 0) throw conflictingSelection(query);
      selection = selectionFromBody(parseJson(await readJsonText(req)), bucket);
    } else {
      selection = selectionFromQuery(query, bucket);
    }
    setRateLimitHeaders(res, spend(res, key, 1));
    const by = apiKeyAuthor(key, address, deps.now);
    sendJson(res, 200, { deleted: await deleteRecords(store, bucket, selection, by) });
  };

  const purge: BucketHandler = async (req, res, bucketId) => {
    const { key, bucket, address } = await authorize(req, res, bucketId, 'delete');
    // Unknown input is an error everywhere; for a call that deletes everything, all the more.
    if (hasBody(req)) {
      throw new AppError(
        'unsupported_media_type',
        'Purge takes no body: send the POST without one (it deletes every record of the bucket).',
      );
    }
    setRateLimitHeaders(res, spend(res, key, 1));
    const by = apiKeyAuthor(key, address, deps.now);
    // The activity log names the records there were: a count, never kept in memory.
    const counted = await getBucketOrThrow(store, bucket.id, key.dashboardId, 'bucket_not_found');
    sendJson(res, 200, { deleted: await purgeRecords(store, counted, by) });
  };

  return { merge: write('merge'), replace: write('replace'), read, downsample, remove, purge };
}

/**
 * A TSV write whose numeric keys all fall before 2001 is written as sent (1970 is a valid
 * time), but said to be suspicious: almost always unix seconds where milliseconds belong.
 * ASCII only, as it also goes in the Warning header (RFC 9111's form, as Kubernetes sends it).
 */
export const SECONDS_WARNING = {
  code: 'keys_look_like_seconds',
  detail:
    'Every numeric key of this write is before 2001-01-01: TSV keys are unix milliseconds, and these look like seconds (multiply them by 1000). The records were written as sent.',
} as const;

function rateLimitHeaders(limit: RateLimitOutcome): string[] {
  return [
    'ratelimit-limit',
    String(limit.limit),
    'ratelimit-remaining',
    String(limit.remaining),
    'ratelimit-reset',
    String(limit.resetSeconds),
  ];
}

function setRateLimitHeaders(res: ServerResponse, limit: RateLimitOutcome): void {
  const headers = rateLimitHeaders(limit);
  for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
}

const KEY_REFUSALS = {
  missing_api_key: 'Send your API key in the X-API-Key header.',
  invalid_api_key:
    'The X-API-Key value is not a Bucketgrid API key, or no such key exists (check for truncation or extra characters).',
  revoked_api_key: 'This API key was revoked; create a new one.',
  expired_api_key: 'This API key has expired; create or roll a new one.',
} as const;

function keyRefusal(res: ServerResponse, verified: KeyVerification & { valid: false }): AppError {
  if (verified.code === 'rate_limited') setRateLimitHeaders(res, verified.limit);
  return keyProblem(verified);
}

/** Why a presented key was refused, as the problem REST and MCP answer alike. */
export function keyProblem(verified: KeyVerification & { valid: false }): AppError {
  if (verified.code !== 'rate_limited') {
    return new AppError(verified.code, KEY_REFUSALS[verified.code]);
  }
  return new AppError(
    'rate_limited',
    `Too many requests with invalid API keys from this address. Retry in ${verified.limit.resetSeconds} s.`,
    { retryAfterSeconds: verified.limit.resetSeconds },
  );
}

function spendRefusal(res: ServerResponse, spent: KeySpend & { allowed: false }, weight: number) {
  setRateLimitHeaders(res, spent.limit);
  return spendProblem(spent, weight);
}

/** A spend the key's per-minute budget refused, as the problem REST and MCP answer alike. */
export function spendProblem(spent: KeySpend & { allowed: false }, weight: number): AppError {
  if (spent.code === 'batch_exceeds_rate_limit') {
    return new AppError(
      'batch_exceeds_rate_limit',
      `This write has ${weight} records, more than this API key may write in a minute (${spent.limit.limit}); split it into smaller writes.`,
    );
  }
  return new AppError(
    'rate_limited',
    `This API key is over its rate limit. Retry in ${spent.limit.resetSeconds} s.`,
    { retryAfterSeconds: spent.limit.resetSeconds },
  );
}

/** A request header that may have been sent more than once, as Express's req.get() gives it. */
function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
