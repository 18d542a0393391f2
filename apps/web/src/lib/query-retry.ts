import { describeError } from './errors.ts';

/** How long a read refused while its figures are still being built waits to ask again. */
export const FIGURES_PENDING_RETRY_MS = 3_000;
/** How many times it asks: a minute (upkeep of a million-record import takes 10–20 s). */
export const FIGURES_PENDING_RETRIES = 20;

/**
 * The retry policy of the app's and the share page's queries. An error another try will not
 * change (`final`) is shown at once. A read refused because the figures of records written
 * moments ago are still being built (`read_over_budget`, docs/downsampling.md) asks again every
 * 3 s for a minute: a chart opened right after an import then draws itself once upkeep has
 * caught up, instead of showing the refusal until the page is reloaded. Anything else is tried
 * twice more, with react-query's backoff.
 */
export function queryRetry(final: ReadonlySet<string>) {
  return {
    retry: (failures: number, error: unknown): boolean => {
      const { code } = describeError(error);
      if (code === 'read_over_budget') return failures < FIGURES_PENDING_RETRIES;
      return failures < 2 && !final.has(code);
    },
    retryDelay: (failures: number, error: unknown): number =>
      describeError(error).code === 'read_over_budget'
        ? FIGURES_PENDING_RETRY_MS
        : Math.min(1_000 * 2 ** failures, 30_000),
  };
}
