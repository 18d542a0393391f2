import type { BucketType, Downsampled } from '@bucketgrid/shared';
import {
  keepPreviousData,
  type QueryClient,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useGridReads } from '../lib/grid-reads.tsx';
import { dashboardKeys } from '../lib/query-keys.ts';
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
  const queryClient = useQueryClient();
  const key = rangeFor(bucket.type, range, keyRange).key;
  return useQuery({
    queryKey: dashboardKeys.downsample(dashboardId, bucket.id, {
      range: key,
      points,
      series: series ?? null,
    }),
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
    placeholderData: (previous) =>
      previous ?? sameReadAtAnyWidth(queryClient, dashboardId, bucket.id, key, series ?? null),
    refetchInterval: bucket.type === 'TSV' && range && !keyRange ? slideIntervalMs(range) : false,
    enabled,
  });
}

/**
 * The cached answer of the same read (bucket, range, series) at another width, if any. The
 * grid lays its widgets out again when the screen crosses a breakpoint (a phone turned, a
 * window resized), and a widget then asks for another number of points: it shows the answer
 * it had, at the old resolution, until its own arrives, instead of a loading placeholder.
 */
function sameReadAtAnyWidth(
  queryClient: QueryClient,
  dashboardId: string,
  bucketId: string,
  range: string,
  series: number[] | null,
): Downsampled | undefined {
  const reads = queryClient.getQueriesData<Downsampled>({
    queryKey: [...dashboardKeys.bucket(dashboardId, bucketId), 'downsample'],
  });
  for (const [queryKey, data] of reads) {
    const read = queryKey.at(-1) as { range: string; series: number[] | null };
    if (data !== undefined && read.range === range && sameSeries(read.series, series)) return data;
  }
  return undefined;
}

function sameSeries(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((sk, i) => sk === b[i]);
}

interface RecordsOptions {
  dashboardId: string;
  bucket: { id: string; type: BucketType };
  /** Null: the whole bucket. */
  range: DashboardRange | null;
  order: 'asc' | 'desc';
  limit: number;
  /** A page after the first: the cursor the previous page returned. */
  cursor?: string;
  enabled?: boolean;
}

/**
 * A page of a bucket's records in the range. Like downsampled reads it keeps its last page
 * while it refetches, and a relative range's window keeps sliding.
 */
export function useRecords({
  dashboardId,
  bucket,
  range,
  order,
  limit,
  cursor,
  enabled = true,
}: RecordsOptions) {
  const reads = useGridReads();
  const key = rangeFor(bucket.type, range).key;
  return useQuery({
    queryKey: dashboardKeys.records(dashboardId, bucket.id, {
      range: key,
      order,
      limit,
      cursor: cursor ?? null,
    }),
    queryFn: () => {
      const { from, to } = rangeFor(bucket.type, range);
      return reads.records({
        dashboardId,
        bucketId: bucket.id,
        order,
        limit,
        cursor,
        from,
        to,
      });
    },
    placeholderData: keepPreviousData,
    refetchInterval: bucket.type === 'TSV' && range ? slideIntervalMs(range) : false,
    enabled,
  });
}

/** A bucket's latest records in the range (newest first; KV: by key), for table widgets. */
export function useLatestRecords(options: {
  dashboardId: string;
  bucket: { id: string; type: BucketType };
  range: DashboardRange;
  limit: number;
}) {
  return useRecords({ ...options, order: options.bucket.type === 'KV' ? 'asc' : 'desc' });
}
