import { mongo } from 'mongoose';
import { StoreUnavailable, UniqueViolation } from '../store.ts';

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

/**
 * Server error codes that mean the deployment cannot serve the operation now (no primary,
 * a node shutting down, a majority that did not acknowledge in time), not that it was wrong.
 */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  64, // WriteConcernTimeout: the majority did not acknowledge within wtimeoutMS
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Labels the driver puts on errors that a later attempt may not meet. */
const UNAVAILABLE_LABELS = [
  mongo.MongoErrorLabel.RetryableWriteError,
  mongo.MongoErrorLabel.TransientTransactionError,
  mongo.MongoErrorLabel.UnknownTransactionCommitResult,
  mongo.MongoErrorLabel.SystemOverloadedError,
];

/**
 * Turns an error that says the deployment could not answer (no server to select, a network
 * failure, a write concern that timed out, a primary stepping down) into StoreUnavailable;
 * returns any other error unchanged.
 */
export function mapUnavailable(error: unknown): unknown {
  if (!(error instanceof mongo.MongoError)) return error;
  const unavailable =
    error instanceof mongo.MongoServerSelectionError ||
    error instanceof mongo.MongoNetworkError ||
    error instanceof mongo.MongoWriteConcernError ||
    (typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code)) ||
    UNAVAILABLE_LABELS.some((label) => error.hasErrorLabel(label));
  return unavailable ? new StoreUnavailable(`${error.name}: ${error.message}`) : error;
}
