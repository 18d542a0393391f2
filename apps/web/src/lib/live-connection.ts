import type { AppRouter } from '@bucketgrid/trpc';
import { retryLink, type TRPCLink } from '@trpc/client';
import { describeError } from './errors.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * What a live subscription passes in its operation context: told when its stream failed and
 * is reopened after a backoff, so the page can say "Reconnecting…" during the wait.
 */
export interface LiveOperationContext {
  onRetry?: (error: unknown) => void;
}

/** Errors another stream will not fix: the session, the membership, the dashboard or the share link ended. */
const FINAL_CODES = new Set([
  'unauthenticated',
  'forbidden',
  'not_found',
  'invalid_input',
  'share_link_not_found',
]);

/** 1 s, 2 s, 4 s … up to 30 s, with up to 20 % jitter so many screens do not return at once. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (1 + 0.2 * random()));
}

/**
 * tRPC's retryLink for live streams. A dropped connection the SSE link reopens by itself
 * (its state turns `connecting`); a stream the server ends with an error (the view fell
 * behind, too many views, the server restarting) comes here and is reopened after a
 * backoff, resuming after the last event it delivered (`lastEventId`): the server replays
 * what was missed, or says what to refetch when it no longer knows. Attempts count over the
 * stream's life, so one refused again and again settles at the 30 s cap.
 */
export function liveRetryLink(
  delayMs: (attempt: number) => number = (attempt) => backoffMs(attempt - 1),
): TRPCLink<AppRouter> {
  return retryLink<AppRouter>({
    retry({ op, error }) {
      if (op.type !== 'subscription') return false;
      if (FINAL_CODES.has(describeError(error).code)) return false;
      (op.context as LiveOperationContext).onRetry?.(error);
      return true;
    },
    retryDelayMs: delayMs,
  });
}
