import type { Widget } from '@bucketgrid/shared';
import { useMemo } from 'react';
import { BarList } from '../../components/charts/BarList.tsx';
import { pointsForWidth, useDownsample } from '../../hooks/useBucketReads.ts';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { barsOf } from '../../lib/downsampled.ts';
import { seriesDisplay } from '../../lib/series-display.ts';
import type { DashboardRange } from '../../lib/time-range.ts';
import type { Bucket } from '../../lib/trpc.ts';
import styles from '../Widget.module.css';
import { NoData, widgetStatus } from '../WidgetStatus.tsx';

interface Props {
  widget: Extract<Widget, { type: 'barChart' }>;
  bucket: Bucket;
  range: DashboardRange;
  size: { width: number; height: number };
}

/** KV buckets: a bar per key; other buckets: a bar per series at its latest value. */
export function BarChartWidget({ widget, bucket, range, size }: Props) {
  const dashboardId = useDashboardId();
  const isKv = bucket.type === 'KV';
  const read = useDownsample({
    dashboardId,
    bucket,
    range,
    points: isKv ? widget.limit : pointsForWidth(size.width),
    series: widget.series,
  });
  const displays = useMemo(
    () => widget.series.map((sk, i) => seriesDisplay(bucket.series, sk, i)),
    [widget.series, bucket.series],
  );
  const bars = useMemo(
    () =>
      read.data
        ? barsOf(
            read.data,
            widget.series,
            isKv,
            (sk) => displays.find((d) => d.sk === sk)?.name ?? '',
          )
        : [],
    [read.data, widget.series, isKv, displays],
  );
  const status = widgetStatus(read);
  if (status) return status;
  if (bars.length === 0 || bars.every((bar) => bar.values.every((v) => v === undefined))) {
    return <NoData />;
  }
  return (
    <div className={styles.scroll}>
      <BarList
        bars={bars}
        series={isKv ? displays : []}
        perRowSeries={isKv ? undefined : displays}
        fill
        description={`Bar chart of ${bucket.name}: ${bars.length} bars`}
      />
      {read.data?.truncated && (
        <p className={`muted ${styles.footnote}`}>The first {widget.limit} keys are shown.</p>
      )}
    </div>
  );
}
