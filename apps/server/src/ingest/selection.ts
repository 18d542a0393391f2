import { resolveRecordSelection } from '@bucketgrid/services';
import { AppError, type ProblemDetailItem, queryProblem } from '@bucketgrid/shared';
import type { BucketRef, RecordSelection } from '@bucketgrid/store';

const MAX_DELETE_KEYS = 10_000;

/**
 * The records a DELETE body `{"keys": [...]}` names. The body's shape is REST's to check
 * (nothing but "keys"); the keys themselves are resolved by the services, as for tRPC.
 */
export function selectionFromBody(body: unknown, bucket: BucketRef): RecordSelection {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidBody([{ pointer: '', detail: 'expected an object with a "keys" array' }]);
  }
  const errors: ProblemDetailItem[] = [];
  for (const name of Object.keys(body)) {
    if (name !== 'keys') {
      errors.push({
        pointer: `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        detail: 'unknown property; a DELETE body has only "keys"',
      });
    }
  }
  const { keys } = body as { keys?: unknown };
  if (!Array.isArray(keys) || keys.length > MAX_DELETE_KEYS) {
    errors.push({ pointer: '/keys', detail: `expected an array of 1 to ${MAX_DELETE_KEYS} keys` });
  }
  if (errors.length > 0) throw invalidBody(errors);
  try {
    return resolveRecordSelection(bucket.type, { keys: keys as unknown[] });
  } catch (error) {
    // REST calls a body that does not validate invalid_records (SPEC §3).
    if (error instanceof AppError && error.code === 'invalid_input') {
      throw new AppError('invalid_records', error.message, { errors: error.errors });
    }
    throw error;
  }
}

/** The key range a DELETE's `from`/`to` query names; naming neither selects nothing. */
export function selectionFromQuery(
  query: Record<string, string>,
  bucket: BucketRef,
): RecordSelection {
  const problems: ProblemDetailItem[] = [];
  for (const name in query) {
    if (name !== 'from' && name !== 'to') {
      problems.push({ parameter: name, detail: 'unknown parameter; a DELETE takes from and to' });
    }
  }
  if (problems.length > 0) throw queryProblem(problems);
  try {
    return resolveRecordSelection(bucket.type, { from: query.from, to: query.to });
  } catch (error) {
    // Query parameters are named, not pointed at (pointers are for bodies).
    if (error instanceof AppError && error.code === 'invalid_input') {
      throw queryProblem(
        (error.errors ?? []).map(({ pointer, detail }) => ({
          parameter: pointer?.slice(1) ?? '',
          detail,
        })),
      );
    }
    throw error;
  }
}

/** A DELETE that names records both ways: which one was meant is not ours to guess. */
export function conflictingSelection(query: Record<string, string>): AppError {
  return new AppError(
    'conflicting_selection',
    'Select the records to delete either with a body {"keys": [...]} or with the query parameters from and to, not both.',
    { errors: Object.keys(query).map((name) => ({ parameter: name, detail: 'not with a body' })) },
  );
}

function invalidBody(errors: ProblemDetailItem[]): AppError {
  return new AppError(
    'invalid_records',
    `${errors.length} problem${errors.length === 1 ? '' : 's'} in the body; nothing was deleted.`,
    { errors },
  );
}
