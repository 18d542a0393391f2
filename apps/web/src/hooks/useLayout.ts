import type { DashboardLayout } from '@bucketgrid/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { dashboardKeys } from '../lib/query-keys.ts';
import { trpc } from '../lib/trpc.ts';

/** The dashboard's saved grid; the live stream refetches it when someone saves a new version. */
export function useLayout(dashboardId: string) {
  const utils = trpc.useUtils();
  return useQuery({
    queryKey: dashboardKeys.layout(dashboardId),
    queryFn: () => utils.client.dashboards.layout.query({ dashboardId }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Puts a just-saved layout in the cache, so the grid shows it without another read. */
export function useSetLayout(dashboardId: string) {
  const queryClient = useQueryClient();
  return (layout: DashboardLayout) =>
    queryClient.setQueryData(dashboardKeys.layout(dashboardId), layout);
}
