import { MAX_TRPC_BATCH_CALLS } from '@bucketgrid/shared';
import { QueryClient } from '@tanstack/react-query';
import { httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { liveRetryLink } from '../lib/live-connection.ts';
import { queryRetry } from '../lib/query-retry.ts';
import { trpc } from '../lib/trpc.ts';

/** Answers another try would not change. */
const FINAL_CODES = new Set(['share_link_not_found', 'bucket_not_found', 'forbidden']);

export function createShareQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        ...queryRetry(FINAL_CODES),
        staleTime: 10_000,
      },
    },
  });
}

/** The share page calls only `share.*` (queries and the live subscription), without cookies. */
export function createShareTrpcClient() {
  return trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // A stream the server ends is reopened after a backoff, resuming after its last event.
        true: [liveRetryLink(), httpSubscriptionLink({ url: '/trpc' })],
        false: httpBatchLink({ url: '/trpc', maxItems: MAX_TRPC_BATCH_CALLS }),
      }),
    ],
  });
}

/** The token of `/s/<token>`. */
export function tokenFromPath(pathname: string): string {
  return decodeURIComponent(pathname.replace(/^\/s\//, '').split('/')[0] ?? '');
}
