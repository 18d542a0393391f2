import { MAX_TRPC_BATCH_CALLS } from '@bucketgrid/shared';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import {
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
} from '@trpc/client';
import { getQueryKey } from '@trpc/react-query';
import { describeError } from './errors.ts';
import { liveRetryLink } from './live-connection.ts';
import { queryRetry } from './query-retry.ts';
import { trpc } from './trpc.ts';

/** Errors that another try will not fix: the answer would be the same. */
const FINAL_CODES = new Set(['unauthenticated', 'forbidden', 'not_found', 'invalid_input']);

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        ...queryRetry(FINAL_CODES),
        staleTime: 10_000,
      },
    },
    queryCache: new QueryCache({ onError: (error) => onSessionLost(client, error) }),
    mutationCache: new MutationCache({ onError: (error) => onSessionLost(client, error) }),
  });
  return client;
}

/** A session that expired mid-use sends the app back to its sign-in page. */
function onSessionLost(client: QueryClient, error: unknown): void {
  if (describeError(error).code === 'unauthenticated') {
    client.setQueryData(getQueryKey(trpc.auth.me, undefined, 'query'), null);
  }
}

const STREAMED_READS = new Set(['buckets.downsample', 'buckets.records']);

export function createTrpcClient() {
  return trpc.createClient({
    links: [
      splitLink({
        // Live views stream over server-sent events; everything else is batched HTTP.
        condition: (op) => op.type === 'subscription',
        true: [liveRetryLink(), httpSubscriptionLink({ url: '/trpc' })],
        false: splitLink({
          // The server refuses sign-in, sign-up and sign-out inside a batch (not_batchable).
          condition: (op) => op.type === 'mutation' && op.path.startsWith('auth.'),
          true: httpLink({ url: '/trpc' }),
          false: splitLink({
            // Bucket reads stream back one by one: each widget draws as soon as its read is done.
            condition: (op) => STREAMED_READS.has(op.path),
            true: httpBatchStreamLink({ url: '/trpc', maxItems: MAX_TRPC_BATCH_CALLS }),
            false: httpBatchLink({ url: '/trpc', maxItems: MAX_TRPC_BATCH_CALLS }),
          }),
        }),
      }),
    ],
  });
}
