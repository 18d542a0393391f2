import { useMemo } from 'react';
import { type Bucket, trpc } from '../lib/trpc.ts';

/** The dashboard's buckets by id, for widgets to find theirs (undefined while loading). */
export function useBucketsById(dashboardId: string): Map<string, Bucket> | undefined {
  const list = trpc.buckets.list.useQuery({ dashboardId });
  return useMemo(
    () => (list.data ? new Map(list.data.map((bucket) => [bucket.id, bucket])) : undefined),
    [list.data],
  );
}
