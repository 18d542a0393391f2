import {
  type FixedWindowLimiter,
  getBucketOrThrow,
  type RateLimitOutcome,
  verifyApiKey,
} from '@bucketgrid/services';
import {
  AppError,
  encodeCursor,
  KeyError,
  normalizeKey,
  parseRecordBatch,
  type RecordKey,
  resolveReadQuery,
  toLongRecord,
  toMinRecord,
} from '@bucketgrid/shared';
import type { ApiKeyRecord, Bucket, RecordSelection, Store, WriteMode } from '@bucketgrid/store';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { LastUsedTracker } from './last-used.ts';

import { hasBody, readJsonBody } from './read-json-body.ts';
import { sendJson } from './send.ts';

export interface ApiContext {
  store: Store;
  now: () => number;
  /** Per API key, weighted by records written (1 for other requests). */
  keyLimiter: FixedWindowLimiter;
  /** Per client address, counting failed key attempts. */
  failedKeyLimiter: FixedWindowLimiter;
  lastUsed: LastUsedTracker;
  /** Called after records of a bucket were written (live views listen). */
  onWrite: (bucketId: string) => void;
}

interface Locals {
  apiKey: ApiKeyRecord;
  bucket: Bucket;
}

function setRateLimitHeaders(res: Response, outcome: RateLimitOutcome): void {
  res.setHeader('ratelimit-limit', String(outcome.limit));
  res.setHeader('ratelimit-remaining', String(outcome.remaining));
  res.setHeader('ratelimit-reset', String(outcome.resetSeconds));
}

function rateLimited(res: Response, outcome: RateLimitOutcome, what: string): AppError {
  setRateLimitHeaders(res, outcome);
  return new AppError('rate_limited', `${what} Retry in ${outcome.resetSeconds} s.`, {
    retryAfterSeconds: outcome.resetSeconds,
  });
}

/** The REST data API of SPEC §3, mounted at /api. */
export function createApiRouter(ctx: ApiContext): Router {
  const router = express.Router();

  /** X-API-Key → the key record; too many failures from one address are refused for a while. */
  async function authenticate(req: Request, res: Response, next: NextFunction): Promise<void> {
    const now = ctx.now();
    const address = req.socket.remoteAddress ?? 'unknown';
    const gate = ctx.failedKeyLimiter.peek(address, now);
    if (!gate.allowed) {
      throw rateLimited(res, gate, 'Too many requests with invalid API keys from this address.');
    }
    try {
      const key = await verifyApiKey(ctx.store, req.get('x-api-key'), now);
      ctx.lastUsed.note(key.id, now);
      (res.locals as Locals).apiKey = key;
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        ctx.failedKeyLimiter.consume(address, 1, now);
      }
      throw error;
    }
    next();
  }

  /** The bucket of the path, which must belong to the key's dashboard (else 404, as unknown). */
  async function loadBucket(req: Request, res: Response, next: NextFunction): Promise<void> {
    const locals = res.locals as Locals;
    locals.bucket = await getBucketOrThrow(
      ctx.store,
      req.params.bucketId as string,
      locals.apiKey.dashboardId,
      'bucket_not_found',
    );
    next();
  }

  function spend(res: Response, weight: number): void {
    const outcome = ctx.keyLimiter.consume((res.locals as Locals).apiKey.id, weight, ctx.now());
    if (!outcome.allowed) throw rateLimited(res, outcome, 'This API key is over its rate limit.');
    setRateLimitHeaders(res, outcome);
  }

  const write = (mode: WriteMode) => async (req: Request, res: Response) => {
    const { bucket } = res.locals as Locals;
    const records = parseRecordBatch(await readJsonBody(req), bucket.type);
    spend(res, records.length);
    const { inserted, updated } = await ctx.store.upsertRecords(bucket, records, mode);
    sendJson(res, 200, { written: records.length, inserted, updated });
    ctx.onWrite(bucket.id);
  };

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
    spend(res, 1);
    const { records, hasMore } = await ctx.store.readRecords(bucket, query);
    const last = records.at(-1);
    sendJson(res, 200, {
      records: format === 'min' ? records.map(toMinRecord) : records.map(toLongRecord),
      next_cursor: hasMore && last ? encodeCursor(query.order, last.key) : null,
    });
  }

  async function remove(req: Request, res: Response): Promise<void> {
    const { bucket } = res.locals as Locals;
    const selection = hasBody(req)
      ? selectionFromBody(await readJsonBody(req), bucket)
      : selectionFromQuery(req.query as Record<string, unknown>, bucket);
    spend(res, 1);
    sendJson(res, 200, { deleted: await ctx.store.deleteRecords(bucket, selection) });
    ctx.onWrite(bucket.id);
  }

  async function purge(_req: Request, res: Response): Promise<void> {
    const { bucket } = res.locals as Locals;
    spend(res, 1);
    sendJson(res, 200, { deleted: await ctx.store.purgeRecords(bucket) });
    ctx.onWrite(bucket.id);
  }

  const notAllowed = (allow: string) => (_req: Request, res: Response) => {
    res.setHeader('allow', allow);
    throw new AppError('method_not_allowed', `This path accepts ${allow}.`);
  };

  router
    .route('/buckets/:bucketId')
    .get(authenticate, loadBucket, read)
    .post(authenticate, loadBucket, write('merge'))
    .put(authenticate, loadBucket, write('replace'))
    .delete(authenticate, loadBucket, remove)
    .all(notAllowed('GET, POST, PUT, DELETE'));
  router
    .route('/buckets/:bucketId/purge')
    .post(authenticate, loadBucket, purge)
    .all(notAllowed('POST'));
  router.use(() => {
    throw new AppError('not_found', 'No such API path; see the data API reference.');
  });
  return router;
}

function selectionFromBody(body: unknown, bucket: Bucket): RecordSelection {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(keys)) {
    throw new AppError('invalid_records', 'A DELETE body is {"keys": [...]}.', {
      errors: [{ pointer: '', detail: 'expected an object with a "keys" array' }],
    });
  }
  if (keys.length === 0) {
    throw new AppError('empty_selection', 'The "keys" array is empty: name at least one key.');
  }
  if (keys.length > 10_000) {
    throw new AppError('invalid_records', 'Delete at most 10000 keys per request.', {
      errors: [{ pointer: '/keys', detail: 'expected 1 to 10000 keys' }],
    });
  }
  const errors: { pointer: string; detail: string }[] = [];
  const normalized: RecordKey[] = [];
  keys.forEach((raw, i) => {
    const key = normalizeKey(bucket.type, raw);
    if (key instanceof KeyError) errors.push({ pointer: `/keys/${i}`, detail: key.detail });
    else normalized.push(key);
  });
  if (errors.length > 0) {
    throw new AppError('invalid_records', `${errors.length} invalid key(s); nothing was deleted.`, {
      errors,
    });
  }
  return { keys: normalized };
}

function selectionFromQuery(query: Record<string, unknown>, bucket: Bucket): RecordSelection {
  const { from, to, ...rest } = query;
  if (Object.keys(rest).length > 0) {
    throw new AppError(
      'invalid_query',
      `Unknown parameter "${Object.keys(rest)[0]}": use from and to.`,
    );
  }
  if (from === undefined && to === undefined) {
    throw new AppError(
      'empty_selection',
      'Say what to delete: a body {"keys": [...]} or the query parameters from and/or to. To delete everything, POST /purge.',
    );
  }
  const range = resolveReadQuery(bucket.type, { from, to } as Record<string, string>);
  return { from: range.from, to: range.to };
}
