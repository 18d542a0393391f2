import { describe, expect, it } from 'vitest';
import { FIGURES_PENDING_RETRIES, FIGURES_PENDING_RETRY_MS, queryRetry } from './query-retry.ts';

/** What a TRPCClientError carries: the server's message and the formatted `data`. */
function trpcError(appCode: string, httpStatus: number) {
  return { message: 'refused', data: { appCode, httpStatus } };
}

describe('queryRetry', () => {
  const { retry, retryDelay } = queryRetry(new Set(['not_found']));

  it('asks again every 3 s for a minute while a read waits for its figures', () => {
    const pending = trpcError('read_over_budget', 503);
    expect(retry(0, pending)).toBe(true);
    expect(retry(FIGURES_PENDING_RETRIES - 1, pending)).toBe(true);
    expect(retry(FIGURES_PENDING_RETRIES, pending)).toBe(false);
    expect(retryDelay(0, pending)).toBe(FIGURES_PENDING_RETRY_MS);
    expect(retryDelay(7, pending)).toBe(FIGURES_PENDING_RETRY_MS);
  });

  it('shows a final error at once and tries others twice more, backing off', () => {
    expect(retry(0, trpcError('not_found', 404))).toBe(false);
    const other = trpcError('internal_error', 500);
    expect(retry(1, other)).toBe(true);
    expect(retry(2, other)).toBe(false);
    expect(retryDelay(0, other)).toBe(1_000);
    expect(retryDelay(1, other)).toBe(2_000);
  });
});
