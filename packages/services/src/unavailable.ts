import { AppError } from '@bucketgrid/shared';
import { StoreUnavailable } from '@bucketgrid/store';

/**
 * Seconds a client is asked to wait when the store could not answer: long enough for a
 * replica set to elect a new primary or a lock to clear, short enough not to idle.
 */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * StoreUnavailable as the API's answer: 503 service_unavailable with Retry-After. Any other
 * error comes back unchanged. REST's error responder and tRPC's error middleware both use it,
 * since any store call can meet an unavailable store.
 */
export function asServiceUnavailable(error: unknown): unknown {
  if (!(error instanceof StoreUnavailable)) return error;
  return new AppError(
    'service_unavailable',
    `The database did not answer in time. Retry in ${STORE_RETRY_AFTER_SECONDS} s.`,
    { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
  );
}
