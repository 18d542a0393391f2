import type { Widget } from '@bucketgrid/shared';
import { useMemo } from 'react';
import { TimeChart } from '../../components/charts/TimeChart.tsx';
import { useAlertRules } from '../../hooks/useAlertRules.tsx';
import { pointsForWidth, useDownsample } from '../../hooks/useBucketReads.ts';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { chartThresholds } from '../../lib/alert-marks.ts';
import { bandColumns, chartColumns, coarseningNote, stackColumns } from '../../lib/downsampled.ts';
import { seriesDisplay } from '../../lib/series-display.ts';
import type { ChartSeries } from '../../lib/time-chart-options.ts';
import { type DashboardRange, resolveRange } from '../../lib/time-range.ts';
import type { Bucket } from '../../lib/trpc.ts';
import styles from '../Widget.module.css';
import { NoData, widgetStatus } from '../WidgetStatus.tsx';

type TimeChartWidgetConfig = Extract<Widget, { type: 'timeChart' }>;

interface Props {
  widget: TimeChartWidgetConfig;
  bucket: Bucket;
  range: DashboardRange;
  size: { width: number; height: number };
  onZoom: (from: number, to: number) => void;
}

export function TimeChartWidget({ widget, bucket, range, size, onZoom }: Props) {
  const dashboardId = useDashboardId();
  const sks = useMemo(() => widget.series.map((s) => s.sk), [widget.series]);
  const read = useDownsample({
    dashboardId,
    bucket,
    range,
    points: pointsForWidth(size.width),
    series: sks,
    enabled: bucket.type !== 'KV',
  });
  const series: ChartSeries[] = useMemo(
    () => widget.series.map((s, i) => ({ ...seriesDisplay(bucket.series, s.sk, i), axis: s.axis })),
    [widget.series, bucket.series],
  );
  const values = useMemo(
    () => (read.data ? chartColumns(read.data, sks, widget.stat) : null),
    [read.data, sks, widget.stat],
  );
  const rules = useAlertRules();
  const thresholds = useMemo(() => chartThresholds(rules, widget), [rules, widget]);
  const showBand = widget.band && !widget.stacked;
  const band = useMemo(
    () => (read.data && showBand ? bandColumns(read.data, sks) : null),
    [read.data, sks, showBand],
  );
  const columns = useMemo(
    () =>
      values && widget.stacked
        ? stackColumns(
            values,
            widget.series.map((s) => s.axis),
          )
        : values,
    [values, widget.stacked, widget.series],
  );

  if (bucket.type === 'KV') {
    return <NoData what="Time charts need a time-series (TSV) or integer-key (IV) bucket." />;
  }
  const status = widgetStatus(read);
  if (status || !columns || !values) return status;

  // The window the read covered: a relative range ends at the time of its last refetch.
  const window =
    bucket.type === 'TSV' ? resolveRange(range, read.dataUpdatedAt || Date.now()) : null;
  const xRange: [number, number] | null =
    window?.from != null && window.to != null ? [window.from, window.to] : null;
  const names = series.map((s) => s.name).join(', ');
  const note = read.data ? coarseningNote(read.data) : null;
  const lines = thresholds.map(
    (t) => `; threshold ${t.value} (${t.rule}${t.firing ? ', firing' : ''})`,
  );
  return (
    <div className={styles.chart}>
      {values.x.length === 0 && (
        <div className={`${styles.overlay} muted`}>No data in this time range.</div>
      )}
      <TimeChart
        columns={columns}
        values={values}
        band={band}
        series={series}
        keyType={bucket.type}
        style={widget.style}
        stacked={widget.stacked}
        preset={widget.preset}
        xRange={xRange}
        height={size.height}
        syncKey={bucket.type === 'TSV' ? `dashboard-${dashboardId}` : undefined}
        onSelect={bucket.type === 'TSV' ? onZoom : undefined}
        thresholds={thresholds}
        description={`${widget.style === 'area' ? 'Area' : 'Line'} chart of ${names}: ${read.data?.keys.length ?? 0} points${lines.join('')}`}
      />
      {note && (
        <p className={`muted ${styles.footnote}`} role="note">
          {note}
        </p>
      )}
    </div>
  );
}
