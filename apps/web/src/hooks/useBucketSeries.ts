import type { SeriesSummary } from '@bucketgrid/shared';
import { useQuery } from '@tanstack/react-query';
import { dashboardKeys } from '../lib/query-keys.ts';
import { trpc } from '../lib/trpc.ts';

/**
 * Which series a bucket's data holds (`buckets.series`): a read of bounded cost whatever the
 * bucket's size, refreshed with the bucket's other reads when its records change.
 */
export function useBucketSeries(dashboardId: string, bucketId: string) {
  const utils = trpc.useUtils();
  return useQuery({
    queryKey: dashboardKeys.series(dashboardId, bucketId),
    queryFn: (): Promise<SeriesSummary> =>
      utils.client.buckets.series.query({ dashboardId, bucketId }),
  });
}
