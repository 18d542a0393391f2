import { useQueryClient } from '@tanstack/react-query';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { dashboardKeys } from '../../lib/query-keys.ts';
import { trpc } from '../../lib/trpc.ts';

/** After records went: refetch everything that showed them (the live event may lag behind). */
export function useRecordsDeleted(bucketId: string) {
  const dashboardId = useDashboardId();
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: dashboardKeys.bucket(dashboardId, bucketId) }),
      utils.buckets.get.invalidate({ dashboardId, bucketId }),
      utils.buckets.list.invalidate({ dashboardId }),
    ]);
}
