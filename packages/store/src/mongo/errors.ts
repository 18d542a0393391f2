import { UniqueViolation } from '../store.ts';

type UniqueField = UniqueViolation['field'];

/**
 * Turns a duplicate-key error (E11000) from one of our unique indexes into UniqueViolation;
 * returns any other error unchanged. `fields` maps a key field of the index that was hit to
 * the field the caller reports. The server's message quotes the duplicate value (an email,
 * a session id, a key hash), so a duplicate-key error never leaves here as it came: one
 * that `fields` does not name becomes an error that names only the index.
 */
export function mapDuplicateKey(
  error: unknown,
  fields: Partial<Record<string, UniqueField>>,
): unknown {
  const keys = duplicateKeyFields(error);
  if (keys === null) return error;
  for (const key of keys) {
    const field = fields[key];
    if (field !== undefined) return new UniqueViolation(field);
  }
  return new Error(`duplicate key on the unique index (${keys.join(', ')})`);
}

/** The key fields of the unique index a duplicate-key error hit, or null for other errors. */
function duplicateKeyFields(error: unknown): string[] | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, keyPattern, message } = error as {
    code?: unknown;
    keyPattern?: unknown;
    message?: unknown;
  };
  if (code !== 11000) return null;
  if (typeof keyPattern === 'object' && keyPattern !== null) return Object.keys(keyPattern);
  // Without `keyPattern` the index name says it: `email_1`, `workspace_1_slug_1`.
  const index = typeof message === 'string' ? /index: (\S+)/.exec(message)?.[1] : undefined;
  return index === undefined ? [] : index.split('_').filter((_, i) => i % 2 === 0);
}
