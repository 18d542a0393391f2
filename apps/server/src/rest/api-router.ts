import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  deleteRecords,
  downsampleRecords,
  type FixedWindowLimiter,
  getBucketOrThrow,
  purgeRecords,
  type RateLimitOutcome,
  readRecords,
  verifyApiKey,
  writeRecords,
} from '@bucketgrid/services';
import {
  AppError,
  type DownsampleQueryInput,
  encodeCursor,
  parseRecordBatch,
  parseRecordBatchText,
  resolveReadQuery,
  toLongRecord,
  toMinRecord,
} from '@bucketgrid/shared';
import type { ApiKeyRecord, Bucket, Store, WriteMode, WriteResult } from '@bucketgrid/store';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { countValues, type ServerMetrics } from '../metrics/metrics.ts';
import { noteKeyId } from '../metrics/requests.ts';
import type { LastUsedTracker } from './last-used.ts';

import { hasBody, parseJson, readJsonBody, readJsonText } from './read-json-body.ts';
import { selectionFromBody, selectionFromQuery } from './record-selection.ts';
import { sendJson } from './send.ts';

export interface ApiContext {
  store: Store;
  now: () => number;
  /** Per API key, weighted by records written (1 for other requests). */
  keyLimiter: FixedWindowLimiter;
  /** Per client address, counting failed key attempts. */
  failedKeyLimiter: FixedWindowLimiter;
  lastUsed: LastUsedTracker;
  /** Whether X-Forwarded-For names the client (behind a trusted reverse proxy). */
  trustProxy: boolean;
  /** Called after records of a bucket were written, deleted or purged (live views listen). */
  onWrite: (bucket: Bucket) => void;
  metrics: ServerMetrics;
}

interface Locals {
  apiKey: ApiKeyRecord;
  bucket: Bucket;
}

function rateLimitHeaders(outcome: RateLimitOutcome): string[] {
  return [
    'ratelimit-limit',
    String(outcome.limit),
    'ratelimit-remaining',
    String(outcome.remaining),
    'ratelimit-reset',
    String(outcome.resetSeconds),
  ];
}

function setRateLimitHeaders(res: ServerResponse, outcome: RateLimitOutcome): void {
  const headers = rateLimitHeaders(outcome);
  for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
}

function rateLimited(res: ServerResponse, outcome: RateLimitOutcome, what: string): AppError {
  setRateLimitHeaders(res, outcome);
  return new AppError('rate_limited', `${what} Retry in ${outcome.resetSeconds} s.`, {
    retryAfterSeconds: outcome.resetSeconds,
  });
}

/**
 * POST or PUT /api/buckets/{id} with a plain id, which is what every client sends: the path
 * that ingest() serves. Any other spelling of it goes through Express and the router.
 */
const WRITE_PATH = /^\/api\/buckets\/([0-9A-Za-z_-]{1,64})\/?(?:\?|$)/;

export type ApiHandler = RequestHandler & {
  /**
   * Serves a write (POST or PUT /api/buckets/{id}, the ingestion hot path) before Express sets
   * up the request: Express's setup (prototype swaps, routing) costs more CPU than the whole
   * write of one record. Hands every other request on to Express (`passOn`), and a write that
   * fails too: its error then reaches the app's error handler through this router.
   */
  ingest(req: IncomingMessage, res: ServerResponse, passOn: () => void): void;
};

/** Errors of writes served by ingest(), on their way to the app's error handler. */
const ingestErrors = new WeakMap<IncomingMessage, unknown>();

/** The REST data API of SPEC §3, mounted at /api. */
export function createApiRouter(ctx: ApiContext): ApiHandler {
  const router = express.Router();
  // A write that ingest() served and failed comes through here only to reach the app's
  // error handler.
  router.use((req, _res, next) => next(ingestErrors.get(req)));

  /** X-API-Key → the key record; too many failures from one address are refused for a while. */
  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<ApiKeyRecord> {
    const now = ctx.now();
    const address = clientAddress(req, ctx.trustProxy);
    const gate = ctx.failedKeyLimiter.peek(address, now);
    if (!gate.allowed) {
      throw rateLimited(res, gate, 'Too many requests with invalid API keys from this address.');
    }
    try {
      const key = await verifyApiKey(ctx.store, headerValue(req, 'x-api-key'), now);
      ctx.lastUsed.note(key.id, now);
      noteKeyId(req, key.id);
      return key;
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        ctx.failedKeyLimiter.consume(address, 1, now);
      }
      throw error;
    }
  }

  /** The bucket of the path, which must belong to the key's dashboard (else 404, as unknown). */
  function loadBucket(bucketId: string, key: ApiKeyRecord): Promise<Bucket> {
    return getBucketOrThrow(ctx.store, bucketId, key.dashboardId, 'bucket_not_found');
  }

  function spend(res: ServerResponse, key: ApiKeyRecord, weight: number): RateLimitOutcome {
    const outcome = ctx.keyLimiter.consume(key.id, weight, ctx.now());
    if (!outcome.allowed) throw rateLimited(res, outcome, 'This API key is over its rate limit.');
    return outcome;
  }

  async function write(
    req: IncomingMessage,
    res: ServerResponse,
    bucketId: string,
    mode: WriteMode,
  ): Promise<void> {
    const key = await authenticate(req, res);
    const bucket = await loadBucket(bucketId, key);
    const text = await readJsonText(req);
    const records =
      parseRecordBatchText(text, bucket.type) ?? parseRecordBatch(parseJson(text), bucket.type);
    const outcome = spend(res, key, records.length);
    let result: WriteResult;
    try {
      result = await writeRecords(ctx.store, bucket, records, mode);
    } catch (error) {
      setRateLimitHeaders(res, outcome);
      throw error;
    }
    sendWritten(res, outcome, records.length, result);
    let values = 0;
    for (const record of records) values += countValues(record);
    ctx.metrics.ingested(records.length, values);
    ctx.onWrite(bucket);
  }

  // The router's form of the steps above, for the other routes (and other forms of the path).
  const authenticated = async (req: Request, res: Response, next: NextFunction) => {
    (res.locals as Locals).apiKey = await authenticate(req, res);
    next();
  };
  const withBucket = async (req: Request, res: Response, next: NextFunction) => {
    const locals = res.locals as Locals;
    locals.bucket = await loadBucket(req.params.bucketId as string, locals.apiKey);
    next();
  };
  const spent = (res: Response, weight: number) => {
    setRateLimitHeaders(res, spend(res, (res.locals as Locals).apiKey, weight));
  };
  const writeRoute = (mode: WriteMode) => (req: Request, res: Response) =>
    write(req, res, req.params.bucketId as string, mode);

  async function read(req: Request, res: Response): Promise<void> {
    const { bucket } = res.locals as Locals;
    const { format, ...params } = req.query as Record<string, unknown>;
    if (format !== undefined && format !== 'min') {
      throw new AppError(
        'invalid_query',
        'format: the only format is "min" (omit it for long form).',
      );
    }
    const query = resolveReadQuery(bucket.type, params);
    spent(res, 1);
    const { records, hasMore } = await readRecords(ctx.store, bucket, query);
    const last = records.at(-1);
    sendJson(res, 200, {
      records: format === 'min' ? records.map(toMinRecord) : records.map(toLongRecord),
      next_cursor: hasMore && last ? encodeCursor(query.order, last.key) : null,
    });
  }

  /** GET …/downsample: `from`, `to`, `points`, `series` (comma-separated series keys). */
  async function downsample(req: Request, res: Response): Promise<void> {
    const { bucket } = res.locals as Locals;
    const { series, points, ...params } = req.query as Record<string, unknown>;
    const query = {
      ...params,
      ...(points === undefined ? {} : { points }),
      ...(series === undefined ? {} : { series: seriesList(series) }),
    };
    spent(res, 1);
    // The service checks every parameter against the shared schema.
    sendJson(res, 200, await downsampleRecords(ctx.store, bucket, query as DownsampleQueryInput));
  }

  async function remove(req: Request, res: Response): Promise<void> {
    const { bucket } = res.locals as Locals;
    const selection = hasBody(req)
      ? selectionFromBody(await readJsonBody(req), bucket)
      : selectionFromQuery(req.query as Record<string, unknown>, bucket);
    spent(res, 1);
    sendJson(res, 200, { deleted: await deleteRecords(ctx.store, bucket, selection) });
    ctx.onWrite(bucket);
  }

  async function purge(_req: Request, res: Response): Promise<void> {
    const { bucket } = res.locals as Locals;
    spent(res, 1);
    sendJson(res, 200, { deleted: await purgeRecords(ctx.store, bucket) });
    ctx.onWrite(bucket);
  }

  const notAllowed = (allow: string) => (_req: Request, res: Response) => {
    res.setHeader('allow', allow);
    throw new AppError('method_not_allowed', `This path accepts ${allow}.`);
  };

  router
    .route('/buckets/:bucketId')
    .get(authenticated, withBucket, read)
    .post(writeRoute('merge'))
    .put(writeRoute('replace'))
    .delete(authenticated, withBucket, remove)
    .all(notAllowed('GET, POST, PUT, DELETE'));
  router
    .route('/buckets/:bucketId/downsample')
    .get(authenticated, withBucket, downsample)
    .all(notAllowed('GET'));
  router
    .route('/buckets/:bucketId/purge')
    .post(authenticated, withBucket, purge)
    .all(notAllowed('POST'));
  router.use(() => {
    throw new AppError('not_found', 'No such API path; see the data API reference.');
  });

  const ingest = (req: IncomingMessage, res: ServerResponse, passOn: () => void) => {
    const mode = req.method === 'POST' ? 'merge' : req.method === 'PUT' ? 'replace' : undefined;
    const path = mode && WRITE_PATH.exec(req.url!);
    if (!path) return passOn();
    write(req, res, path[1]!, mode).catch((error: unknown) => {
      ingestErrors.set(req, error ?? new Error('a write failed without an error'));
      passOn();
    });
  };
  return Object.assign(router, { ingest });
}

/** `series=1,2,3` as numbers; anything else is left for the schema to refuse. */
function seriesList(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  return raw.split(',').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The 200 of a write, headers and all in one writeHead. */
function sendWritten(
  res: ServerResponse,
  outcome: RateLimitOutcome,
  written: number,
  { inserted, updated }: WriteResult,
): void {
  const body = `{"written":${written},"inserted":${inserted},"updated":${updated}}`;
  res.writeHead(200, [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(body.length),
    ...rateLimitHeaders(outcome),
  ]);
  res.end(body);
}

/**
 * The client's address: the socket's peer, or behind a trusted proxy the first address of
 * X-Forwarded-For (as Express's req.ip gives it with `trust proxy` on).
 */
function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? headerValue(req, 'x-forwarded-for')?.split(',')[0]?.trim() : '';
  return forwarded || req.socket.remoteAddress || 'unknown';
}

/** A request header that may have been sent more than once, as Express's req.get() gives it. */
function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
