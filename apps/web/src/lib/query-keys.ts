/**
 * Query keys of the grid's data (layout, widget reads). They are ours, not tRPC's, because a
 * relative range must keep one key while its window moves: the key names the range, the
 * fetch resolves it to from/to when it runs. All start with the dashboard, then the bucket,
 * so a write to one bucket refreshes exactly the widgets that read it.
 */
export const gridKeys = {
  dashboard: (dashboardId: string) => ['grid', dashboardId] as const,
  layout: (dashboardId: string) => ['grid', dashboardId, 'layout'] as const,
  bucket: (dashboardId: string, bucketId: string) =>
    ['grid', dashboardId, 'bucket', bucketId] as const,
};
