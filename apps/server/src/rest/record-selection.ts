import {
  AppError,
  KeyError,
  normalizeKey,
  type RecordKey,
  resolveReadQuery,
} from '@bucketgrid/shared';
import type { Bucket, RecordSelection } from '@bucketgrid/store';

/** The records a DELETE body `{"keys": [...]}` names, normalised to the bucket's key type. */
export function selectionFromBody(body: unknown, bucket: Bucket): RecordSelection {
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

/** The key range a DELETE's `from`/`to` query names; naming neither selects nothing. */
export function selectionFromQuery(
  query: Record<string, unknown>,
  bucket: Bucket,
): RecordSelection {
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
