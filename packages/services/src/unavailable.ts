import { AppError } from '@bucketgrid/shared';
import { ReadOverBudget, StoreUnavailable } from '@bucketgrid/store';

/**
 * Seconds a client is asked to wait when the store could not answer: long enough for a
 * replica set to elect a new primary or a lock to clear, short enough not to idle.
 */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * StoreUnavailable as the API's answer: 503 service_unavailable with Retry-After; a
 * downsampled read the store refused as over its budget (ReadOverBudget, records whose
 * figures await upkeep) as 503 read_over_budget with Retry-After and the store's words. Any
 * other error comes back unchanged. REST's error responder and tRPC's error middleware both
 * use it, since any store call can meet an unavailable store.
 */
export function asServiceUnavailable(error: unknown): unknown {
  if (error instanceof ReadOverBudget) {
    return new AppError('read_over_budget', error.message, {
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    });
  }
  if (!(error instanceof StoreUnavailable)) return error;
  return new AppError(
    'service_unavailable',
    `The database did not answer in time. Retry in ${STORE_RETRY_AFTER_SECONDS} s.`,
    { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
  );
}
