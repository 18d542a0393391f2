import {
  AppError,
  KeyError,
  normalizeKey,
  type ProblemDetailItem,
  queryProblem,
  type RecordKey,
  readQueryOf,
} from '@bucketgrid/shared';
import type { Bucket, RecordSelection } from '@bucketgrid/store';

const MAX_DELETE_KEYS = 10_000;

/** The records a DELETE body `{"keys": [...]}` names, normalised to the bucket's key type. */
export function selectionFromBody(body: unknown, bucket: Bucket): RecordSelection {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('invalid_records', 'A DELETE body is {"keys": [...]}.', {
      errors: [{ pointer: '', detail: 'expected an object with a "keys" array' }],
    });
  }
  const errors: ProblemDetailItem[] = [];
  for (const name of Object.keys(body)) {
    if (name !== 'keys') {
      errors.push({
        pointer: `/${escapePointer(name)}`,
        detail: 'unknown property; a DELETE body has only "keys"',
      });
    }
  }
  const { keys } = body as { keys?: unknown };
  if (!Array.isArray(keys)) {
    errors.push({ pointer: '/keys', detail: 'expected an array of 1 to 10000 keys' });
  } else if (keys.length === 0 && errors.length === 0) {
    throw new AppError('empty_selection', 'The "keys" array is empty: name at least one key.');
  } else if (keys.length > MAX_DELETE_KEYS) {
    errors.push({ pointer: '/keys', detail: `expected 1 to ${MAX_DELETE_KEYS} keys` });
  }
  const normalized: RecordKey[] = [];
  if (Array.isArray(keys) && keys.length <= MAX_DELETE_KEYS) {
    keys.forEach((raw, i) => {
      const key = normalizeKey(bucket.type, raw);
      if (key instanceof KeyError) errors.push({ pointer: `/keys/${i}`, detail: key.detail });
      else normalized.push(key);
    });
  }
  if (errors.length > 0) {
    throw new AppError(
      'invalid_records',
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the body; nothing was deleted.`,
      { errors },
    );
  }
  return { keys: normalized };
}

/** The key range a DELETE's `from`/`to` query names; naming neither selects nothing. */
export function selectionFromQuery(query: Record<string, string>, bucket: Bucket): RecordSelection {
  const problems: ProblemDetailItem[] = [];
  for (const name in query) {
    if (name !== 'from' && name !== 'to') {
      problems.push({ parameter: name, detail: 'unknown parameter; a DELETE takes from and to' });
    }
  }
  const range = readQueryOf(bucket.type, { from: query.from, to: query.to }, problems);
  if (problems.length > 0) throw queryProblem(problems);
  if (query.from === undefined && query.to === undefined) {
    throw new AppError(
      'empty_selection',
      'Say what to delete: a body {"keys": [...]} or the query parameters from and/or to. To delete everything, POST /purge.',
    );
  }
  return { from: range.from, to: range.to };
}

export function conflictingSelection(query: Record<string, string>): AppError {
  return new AppError(
    'conflicting_selection',
    'Select the records to delete either with a body {"keys": [...]} or with the query parameters from and to, not both.',
    { errors: Object.keys(query).map((name) => ({ parameter: name, detail: 'not with a body' })) },
  );
}

/** RFC 6901: `~` and `/` in a property name are escaped inside a pointer. */
function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
