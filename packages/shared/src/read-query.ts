import { z } from 'zod';
import type { BucketType, RecordKey } from './bucket-key.ts';
import { KeyError, parseKeyParam } from './bucket-key.ts';
import {
  DEFAULT_DOWNSAMPLE_POINTS,
  type DownsampleQuery,
  MAX_DOWNSAMPLE_POINTS,
} from './downsample.ts';
import { AppError, type ProblemDetailItem } from './problems.ts';
import { MAX_SERIES_KEY } from './records.ts';

export const DEFAULT_READ_LIMIT = 1000;
export const MAX_READ_LIMIT = 10_000;
const MAX_CURSOR_LENGTH = 1024;

const keyParam = z.union([z.string().min(1).max(256), z.number()]);

/** What a client may ask of a read, on REST (query string) and tRPC alike. */
export const readQueryInput = z
  .object({
    from: keyParam.optional(),
    to: keyParam.optional(),
    order: z.enum(['asc', 'desc']).default('asc'),
    limit: z.coerce.number().int().min(1).max(MAX_READ_LIMIT).default(DEFAULT_READ_LIMIT),
    cursor: z.string().max(MAX_CURSOR_LENGTH).optional(),
  })
  .strict();
export type ReadQueryInput = z.input<typeof readQueryInput>;

/** The bucket a query is read from: its key type, and its id (cursors are bound to it). */
export interface QueryTarget {
  id: string;
  type: BucketType;
}

/** A read resolved against the bucket's key type, as the store executes it. */
export interface ReadQuery {
  from?: RecordKey;
  to?: RecordKey;
  order: 'asc' | 'desc';
  limit: number;
  /** Continue strictly after this key (in `order`). */
  after?: RecordKey;
}

const READ_PARAMETERS = ['from', 'to', 'order', 'limit', 'cursor'];

/**
 * Checks a read query against the bucket's key type and resolves it. Every problem is
 * reported at once, as `{"parameter", "detail"}` items (query parameters are not a JSON
 * document, so they get `parameter` where body problems get `pointer`); a query whose only
 * problem is its cursor is `invalid_cursor`, any other `invalid_query`.
 */
export function resolveReadQuery(bucket: QueryTarget, input: ReadQueryInput): ReadQuery {
  const problems: ProblemDetailItem[] = [];
  const query = readQueryOf(bucket, input as Record<string, unknown>, problems);
  if (problems.length > 0) throw queryProblem(problems);
  return query;
}

/** The problems of a query string as one AppError. */
export function queryProblem(problems: ProblemDetailItem[]): AppError {
  const onlyCursor = problems.every((p) => p.parameter === 'cursor');
  const summary = problems.map((p) => `${p.parameter ?? 'query'}: ${p.detail}`).join('; ');
  return new AppError(onlyCursor ? 'invalid_cursor' : 'invalid_query', summary, {
    errors: problems,
  });
}

/**
 * Reads a query's parameters, pushing a problem (in our words) for each one that is unknown
 * or invalid; the returned query is meaningful only when none was pushed. `otherParameters`
 * are known to the caller, which checks them itself.
 */
export function readQueryOf(
  bucket: QueryTarget,
  input: Record<string, unknown>,
  problems: ProblemDetailItem[],
  otherParameters: readonly string[] = [],
): ReadQuery {
  const { type } = bucket;
  const query: ReadQuery = { order: 'asc', limit: DEFAULT_READ_LIMIT };
  for (const name in input) {
    if (input[name] === undefined || otherParameters.includes(name)) continue;
    if (!READ_PARAMETERS.includes(name)) {
      const known = [...READ_PARAMETERS, ...otherParameters].join(', ');
      problems.push({ parameter: name, detail: `unknown parameter; a read takes ${known}` });
    }
  }
  const { from, to, order, limit, cursor } = input;
  if (order === 'desc' || order === 'asc') query.order = order;
  else if (order !== undefined) problems.push({ parameter: 'order', detail: 'use asc or desc' });
  if (limit !== undefined) {
    const n = typeof limit === 'string' && /^\d{1,6}$/.test(limit) ? Number(limit) : limit;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_READ_LIMIT) {
      query.limit = n;
    } else {
      problems.push({ parameter: 'limit', detail: `an integer from 1 to ${MAX_READ_LIMIT}` });
    }
  }
  const bound = (name: 'from' | 'to', raw: unknown) => {
    if (raw === undefined) return;
    const key =
      typeof raw === 'string' || typeof raw === 'number'
        ? parseKeyParam(type, raw)
        : new KeyError('a key of the bucket (text, or a number)');
    if (key instanceof KeyError) problems.push({ parameter: name, detail: key.detail });
    else query[name] = key;
  };
  bound('from', from);
  bound('to', to);
  const inverted = invertedRangeProblem(query.from, query.to);
  if (inverted) problems.push(inverted);
  if (cursor !== undefined) {
    const after =
      typeof cursor === 'string' ? decodeCursor(bucket, query.order, cursor) : undefined;
    if (after === undefined || after instanceof KeyError) {
      problems.push({
        parameter: 'cursor',
        detail: after?.detail ?? 'not a cursor this API returned',
      });
    } else {
      query.after = after;
    }
  }
  return query;
}

/**
 * A range whose `from` comes after its `to` selects nothing by construction: almost always
 * swapped bounds or a unit mistake, so it is refused with a problem that says so instead of
 * answering an empty page (or deleting nothing) without a word. Keys compare as the store
 * orders them: numbers by value, KV strings by code point (UTF-8 byte order).
 */
export function invertedRangeProblem(
  from: RecordKey | undefined,
  to: RecordKey | undefined,
): ProblemDetailItem | undefined {
  if (from === undefined || to === undefined || compareKeys(from, to) <= 0) return undefined;
  return {
    parameter: 'from',
    detail: `from (${from}) is after to (${to}): the range is inclusive and from must not exceed to (swap them?)`,
  };
}

function compareKeys(a: RecordKey, b: RecordKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = [...String(a)];
  const right = [...String(b)];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

/**
 * A cursor is the last key of the previous page, the order it was read in and the bucket it
 * was read from, so a cursor cannot silently be reused with the opposite order or on another
 * bucket (where it would skip or repeat records without a word).
 */
export function encodeCursor(bucketId: string, order: 'asc' | 'desc', lastKey: RecordKey): string {
  return toBase64Url(JSON.stringify([order, lastKey, bucketId]));
}

function decodeCursor(
  bucket: QueryTarget,
  order: 'asc' | 'desc',
  cursor: string,
): RecordKey | KeyError {
  let decoded: unknown;
  try {
    decoded = cursor.length <= MAX_CURSOR_LENGTH ? JSON.parse(fromBase64Url(cursor)) : undefined;
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) {
    return new KeyError('not a cursor this API returned');
  }
  if (decoded[2] !== bucket.id) {
    return new KeyError('this cursor belongs to another bucket: read this bucket from its start');
  }
  if (decoded[0] !== order) {
    return new KeyError(
      'this cursor belongs to another order: keep order as it was for the first page',
    );
  }
  const key = parseKeyParam(bucket.type, decoded[1]);
  return key instanceof KeyError ? new KeyError('not a cursor this API returned') : key;
}

// Cursors are opaque base64url text. btoa/atob (not Buffer) keep this module browser-safe.
function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const binary = atob(encoded.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

const DOWNSAMPLE_PARAMETERS = ['from', 'to', 'points', 'series'];
const MAX_DOWNSAMPLE_SERIES = 100;

/**
 * Reads a downsampled read's parameters (tRPC input, or a query string where `series` is
 * "1,2,3"), pushing a problem in our words for each one that is unknown or invalid, as
 * readQueryOf does.
 */
export function readDownsampleOf(
  bucket: QueryTarget,
  input: Record<string, unknown>,
  problems: ProblemDetailItem[],
): DownsampleQuery {
  const query: DownsampleQuery = { points: DEFAULT_DOWNSAMPLE_POINTS };
  for (const name in input) {
    if (input[name] !== undefined && !DOWNSAMPLE_PARAMETERS.includes(name)) {
      const known = DOWNSAMPLE_PARAMETERS.join(', ');
      problems.push({
        parameter: name,
        detail: `unknown parameter; a downsampled read takes ${known}`,
      });
    }
  }
  const { from, to, points, series } = input;
  const bounds = readQueryOf(bucket, { from, to }, problems);
  if (bounds.from !== undefined) query.from = bounds.from;
  if (bounds.to !== undefined) query.to = bounds.to;
  if (points !== undefined) {
    const n = typeof points === 'string' && /^\d{1,6}$/.test(points) ? Number(points) : points;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_DOWNSAMPLE_POINTS) {
      query.points = n;
    } else {
      problems.push({
        parameter: 'points',
        detail: `an integer from 1 to ${MAX_DOWNSAMPLE_POINTS}`,
      });
    }
  }
  if (series !== undefined) {
    const list = typeof series === 'string' ? series.split(',') : series;
    const keys = Array.isArray(list)
      ? list.map((sk) => (typeof sk === 'string' && /^\d{1,4}$/.test(sk) ? Number(sk) : sk))
      : [];
    const valid = keys.every((sk) => Number.isInteger(sk) && sk >= 1 && sk <= MAX_SERIES_KEY);
    if (valid && keys.length >= 1 && keys.length <= MAX_DOWNSAMPLE_SERIES) {
      query.series = keys as number[];
    } else {
      problems.push({
        parameter: 'series',
        detail: `1 to ${MAX_DOWNSAMPLE_SERIES} series keys (integers from 1 to ${MAX_SERIES_KEY}), separated by commas`,
      });
    }
  }
  return query;
}
