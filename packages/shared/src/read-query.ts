import { z } from 'zod';
import type { BucketType, RecordKey } from './bucket-key.ts';
import { KeyError, parseKeyParam } from './bucket-key.ts';
import { AppError } from './problems.ts';

export const DEFAULT_READ_LIMIT = 1000;
export const MAX_READ_LIMIT = 10_000;

const keyParam = z.union([z.string().min(1).max(256), z.number()]);

/** What a client may ask of a read, on REST (query string) and tRPC alike. */
export const readQueryInput = z
  .object({
    from: keyParam.optional(),
    to: keyParam.optional(),
    order: z.enum(['asc', 'desc']).default('asc'),
    limit: z.coerce.number().int().min(1).max(MAX_READ_LIMIT).default(DEFAULT_READ_LIMIT),
    cursor: z.string().max(1024).optional(),
  })
  .strict();
export type ReadQueryInput = z.input<typeof readQueryInput>;

/** A read resolved against the bucket's key type, as the store executes it. */
export interface ReadQuery {
  from?: RecordKey;
  to?: RecordKey;
  order: 'asc' | 'desc';
  limit: number;
  /** Continue strictly after this key (in `order`). */
  after?: RecordKey;
}

/** Checks a read query against the bucket's key type; throws AppError with what to fix. */
export function resolveReadQuery(type: BucketType, input: ReadQueryInput): ReadQuery {
  const parsed = readQueryInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid_query', `${issue.path.join('.') || 'query'}: ${issue.message}`);
  }
  const { from, to, order, limit, cursor } = parsed.data;
  const query: ReadQuery = { order, limit };
  if (from !== undefined) query.from = resolveBound(type, 'from', from);
  if (to !== undefined) query.to = resolveBound(type, 'to', to);
  if (cursor !== undefined) query.after = decodeCursor(type, order, cursor);
  return query;
}

function resolveBound(type: BucketType, name: string, raw: string | number): RecordKey {
  const key = parseKeyParam(type, raw);
  if (key instanceof KeyError) throw new AppError('invalid_query', `${name}: ${key.detail}`);
  return key;
}

/**
 * A cursor is the last key of the previous page plus the order it was read in, so a cursor
 * cannot silently be reused with the opposite order.
 */
export function encodeCursor(order: 'asc' | 'desc', lastKey: RecordKey): string {
  return toBase64Url(JSON.stringify([order, lastKey]));
}

function decodeCursor(type: BucketType, order: 'asc' | 'desc', cursor: string): RecordKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(fromBase64Url(cursor));
  } catch {
    throw new AppError('invalid_cursor', 'The cursor is not one this API returned.');
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== order) {
    throw new AppError(
      'invalid_cursor',
      'The cursor does not belong to this query: keep `order` as it was for the first page.',
    );
  }
  const key = parseKeyParam(type, decoded[1]);
  if (key instanceof KeyError) {
    throw new AppError('invalid_cursor', 'The cursor does not belong to this bucket.');
  }
  return key;
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
