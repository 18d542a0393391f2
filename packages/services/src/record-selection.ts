import {
  AppError,
  type BucketType,
  invertedRangeProblem,
  KeyError,
  normalizeKey,
  type ProblemDetailItem,
  parseKeyParam,
  type RecordKey,
} from '@bucketgrid/shared';
import type { RecordSelection } from '@bucketgrid/store';

/**
 * What a delete names, normalised to the bucket's key type: chosen keys, or a range. Naming
 * nothing is refused (empty_selection): deleting everything is purge, said explicitly.
 */
export function resolveRecordSelection(
  type: BucketType,
  input: { keys?: readonly unknown[]; from?: string | number; to?: string | number },
): RecordSelection {
  const problems: ProblemDetailItem[] = [];
  if (input.keys !== undefined) {
    if (input.from !== undefined || input.to !== undefined) {
      throw new AppError('invalid_input', 'Name either keys or a from/to range, not both.', {
        errors: [{ pointer: '/keys', detail: 'give keys, or from and/or to' }],
      });
    }
    if (input.keys.length === 0) {
      throw new AppError('empty_selection', 'The keys list is empty: name at least one key.');
    }
    const keys: RecordKey[] = [];
    input.keys.forEach((raw, i) => {
      const key = normalizeKey(type, raw);
      if (key instanceof KeyError) problems.push({ pointer: `/keys/${i}`, detail: key.detail });
      else keys.push(key);
    });
    if (problems.length > 0) {
      throw new AppError(
        'invalid_input',
        `${problems.length} invalid key(s); nothing was deleted.`,
        {
          errors: problems,
        },
      );
    }
    return { keys };
  }
  if (input.from === undefined && input.to === undefined) {
    throw new AppError(
      'empty_selection',
      'Say what to delete: keys, or a range with from and/or to. To delete everything, purge.',
    );
  }
  const range: { from?: RecordKey; to?: RecordKey } = {};
  for (const bound of ['from', 'to'] as const) {
    const raw = input[bound];
    if (raw === undefined) continue;
    const key = parseKeyParam(type, raw);
    if (key instanceof KeyError) problems.push({ pointer: `/${bound}`, detail: key.detail });
    else range[bound] = key;
  }
  const inverted = invertedRangeProblem(range.from, range.to);
  if (inverted) problems.push({ pointer: '/from', detail: inverted.detail });
  if (problems.length > 0) {
    throw new AppError('invalid_input', 'The range is not valid; nothing was deleted.', {
      errors: problems,
    });
  }
  return range;
}
