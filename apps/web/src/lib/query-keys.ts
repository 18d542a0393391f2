/**
 * Query keys of every read of a dashboard's records (downsampled reads, record pages, the
 * series they hold) and of its layout. They are ours, not tRPC's, because a relative range must keep one key while
 * its window moves: the key names the range, the fetch resolves it to from/to when it runs.
 * All start with the dashboard, then the bucket, so a write to one bucket refreshes exactly
 * the reads of that bucket, on the grid, the wall and the bucket page alike. Bucket
 * metadata (`buckets.list`, `buckets.get`) keeps tRPC's own keys.
 */
export const dashboardKeys = {
  dashboard: (dashboardId: string) => ['dashboard', dashboardId] as const,
  layout: (dashboardId: string) => ['dashboard', dashboardId, 'layout'] as const,
  bucket: (dashboardId: string, bucketId: string) =>
    ['dashboard', dashboardId, 'bucket', bucketId] as const,
  /** `range`: a range's name or a key range, never resolved times. */
  downsample: (
    dashboardId: string,
    bucketId: string,
    read: { range: string; points: number; series: readonly number[] | null },
  ) => [...dashboardKeys.bucket(dashboardId, bucketId), 'downsample', read] as const,
  records: (
    dashboardId: string,
    bucketId: string,
    read: { range: string; order: 'asc' | 'desc'; limit: number; cursor: string | null },
  ) => [...dashboardKeys.bucket(dashboardId, bucketId), 'records', read] as const,
  /** Which series the bucket's data holds. */
  series: (dashboardId: string, bucketId: string) =>
    [...dashboardKeys.bucket(dashboardId, bucketId), 'series'] as const,
};
