import type {
  DashboardLayout,
  Downsampled,
  RecordKey,
  RelativeRange,
  SeriesMeta,
  WidgetInput,
} from '@bucketgrid/shared';
import type { Unsubscribable } from '@trpc/server/observable';
import type { Bucket } from './trpc.ts';

/** What `dashboards.live` streams: records written, bucket list or series changed, layout saved. */
export type LiveEvent =
  | { type: 'records'; bucketId: string; at: number }
  | { type: 'buckets' }
  | { type: 'layout'; version: number };

export type BucketWithSeries = Bucket & { series: SeriesMeta[] };

export interface DownsampleInput {
  dashboardId: string;
  bucketId: string;
  from?: RecordKey;
  to?: RecordKey;
  points?: number;
  series?: number[];
}

/**
 * The procedures of issue 7 that the server is adding, typed as agreed. Until the router
 * exports them, the app reaches them through this one file.
 */
export interface GridApi {
  dashboards: {
    layout: { query(input: { dashboardId: string }): Promise<DashboardLayout> };
    saveLayout: {
      mutate(input: {
        dashboardId: string;
        version: number;
        widgets: WidgetInput[];
        defaultRange: RelativeRange;
      }): Promise<DashboardLayout>;
    };
    live: {
      subscribe(
        input: { dashboardId: string },
        handlers: {
          onStarted?: () => void;
          onData: (event: LiveEvent) => void;
          onError?: (error: unknown) => void;
          onComplete?: () => void;
          onConnectionStateChange?: (state: { state: string; error: unknown }) => void;
        },
      ): Unsubscribable;
    };
  };
  buckets: {
    setSeries: {
      mutate(input: {
        dashboardId: string;
        bucketId: string;
        series: SeriesMeta[];
      }): Promise<BucketWithSeries>;
    };
    downsample: { query(input: DownsampleInput): Promise<Downsampled> };
    deleteRecords: {
      mutate(
        input:
          | { dashboardId: string; bucketId: string; keys: RecordKey[] }
          | { dashboardId: string; bucketId: string; from?: RecordKey; to?: RecordKey },
      ): Promise<{ deleted: number }>;
    };
  };
}

export function gridApi(client: unknown): GridApi {
  return client as GridApi;
}

/** A bucket's series descriptions (empty until the server sends them). */
export function seriesOf(bucket: Bucket): SeriesMeta[] {
  return (bucket as Partial<BucketWithSeries>).series ?? [];
}
