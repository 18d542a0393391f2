import type { BucketType, Downsampled } from '@bucketgrid/shared';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useGridReads } from '../lib/grid-reads.tsx';
import { gridKeys } from '../lib/query-keys.ts';
import { type DashboardRange, rangeKey, resolveRange, slideIntervalMs } from '../lib/time-range.ts';

/** A widget asks for about one point per 2 pixels of its width, at most 1,000. */
export const MAX_WIDGET_POINTS = 1_000;

/** Points for a widget `width` px wide; rounded so resizing does not refetch at every pixel. */
export function pointsForWidth(width: number): number {
  const points = Math.round(width / 2 / 25) * 25;
  return Math.max(25, Math.min(MAX_WIDGET_POINTS, points));
}

/**
 * Time ranges apply to time-keyed buckets; KV and IV buckets are read whole. An explicit key
 * range (a zoom on the bucket page) applies to any numeric key.
 */
function rangeFor(
  type: BucketType,
  range: DashboardRange | null,
  keyRange?: [number, number] | null,
) {
  if (keyRange)
    return { key: `keys:${keyRange[0]}-${keyRange[1]}`, from: keyRange[0], to: keyRange[1] };
  if (type !== 'TSV' || range === null) return { key: 'all', from: undefined, to: undefined };
  const resolved = resolveRange(range, Date.now());
  return {
    key: rangeKey(range),
    from: resolved.from ?? undefined,
    to: resolved.to ?? undefined,
  };
}

interface DownsampleOptions {
  dashboardId: string;
  bucket: { id: string; type: BucketType };
  /** Null: the whole bucket. */
  range: DashboardRange | null;
  /** Instead of `range`: exactly these keys (TSV and IV). */
  keyRange?: [number, number] | null;
  points: number;
  series?: number[];
  enabled?: boolean;
}

/**
 * A bucket's downsampled read over the range. It keeps showing its last data while it
 * refetches (live updates, a new range, a resize), so nothing flickers; relative ranges
 * refetch now and then even without writes, so their window keeps sliding.
 */
export function useDownsample({
  dashboardId,
  bucket,
  range,
  keyRange,
  points,
  series,
  enabled = true,
}: DownsampleOptions) {
  const reads = useGridReads();
  const key = rangeFor(bucket.type, range, keyRange).key;
  return useQuery({
    queryKey: [
      ...gridKeys.bucket(dashboardId, bucket.id),
      'downsample',
      key,
      points,
      series ?? null,
    ],
    queryFn: (): Promise<Downsampled> => {
      const { from, to } = rangeFor(bucket.type, range, keyRange);
      return reads.downsample({
        dashboardId,
        bucketId: bucket.id,
        from,
        to,
        points,
        series: series && series.length > 0 ? series : undefined,
      });
    },
    placeholderData: keepPreviousData,
    refetchInterval: bucket.type === 'TSV' && range && !keyRange ? slideIntervalMs(range) : false,
    enabled,
  });
}

/** A bucket's latest records in the range (newest first; KV: by key), for table widgets. */
export function useLatestRecords({
  dashboardId,
  bucket,
  range,
  limit,
}: {
  dashboardId: string;
  bucket: { id: string; type: BucketType };
  range: DashboardRange;
  limit: number;
}) {
  const reads = useGridReads();
  const key = rangeFor(bucket.type, range).key;
  return useQuery({
    queryKey: [...gridKeys.bucket(dashboardId, bucket.id), 'records', key, limit],
    queryFn: () => {
      const { from, to } = rangeFor(bucket.type, range);
      return reads.records({
        dashboardId,
        bucketId: bucket.id,
        order: bucket.type === 'KV' ? 'asc' : 'desc',
        limit,
        from,
        to,
      });
    },
    placeholderData: keepPreviousData,
    refetchInterval: bucket.type === 'TSV' ? slideIntervalMs(range) : false,
  });
}
