import type { Widget } from '@bucketgrid/shared';
import { useMemo } from 'react';
import { Sparkline } from '../../components/charts/Sparkline.tsx';
import { pointsForWidth, useDownsample } from '../../hooks/useBucketReads.ts';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { statSummary, thresholdColor } from '../../lib/downsampled.ts';
import { formatNumber, formatSeriesValue, seriesDisplay } from '../../lib/series-display.ts';
import type { DashboardRange } from '../../lib/time-range.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { NoData, widgetStatus } from '../WidgetStatus.tsx';
import styles from './StatWidget.module.css';

interface Props {
  widget: Extract<Widget, { type: 'stat' }>;
  bucket: Bucket;
  range: DashboardRange;
  size: { width: number; height: number };
}

/** The latest value of one series, coloured by its thresholds, with its trend over the range. */
export function StatWidget({ widget, bucket, range, size }: Props) {
  const dashboardId = useDashboardId();
  const format = useTimeFormat();
  const read = useDownsample({
    dashboardId,
    bucket,
    range,
    points: Math.min(200, pointsForWidth(size.width)),
    series: [widget.sk],
  });
  const display = seriesDisplay(bucket.series, widget.sk, 0);
  const summary = useMemo(
    () => (read.data ? statSummary(read.data, widget.sk) : null),
    [read.data, widget.sk],
  );
  const status = widgetStatus(read);
  if (status || !summary) return status;
  if (summary.latest === null) return <NoData />;

  const color = thresholdColor(summary.latest, widget.thresholds);
  const change = summary.change;
  const direction = change === null || change === 0 ? 'flat' : change > 0 ? 'up' : 'down';
  const latestAt =
    summary.latestKey === null
      ? ''
      : bucket.type === 'TSV'
        ? `${format.dateTime(Number(summary.latestKey))} ${format.zoneShort}`
        : `key ${summary.latestKey}`;
  return (
    <div className={styles.stat}>
      <p
        className={styles.value}
        data-stat-value
        style={color ? { color } : undefined}
        title={`Latest: ${latestAt}`}
      >
        {formatNumber(summary.latest, display.decimals)}
        {display.unit && <span className={styles.unit}> {display.unit}</span>}
      </p>
      {widget.showChange && change !== null && (
        <p className={`${styles.change} ${direction === 'flat' ? '' : styles[direction]}`}>
          <span aria-hidden="true">
            {direction === 'up' ? '▲' : direction === 'down' ? '▼' : '■'}
          </span>{' '}
          {change > 0 ? '+' : ''}
          {formatSeriesValue(change, display)}
          {summary.changeRatio !== null &&
            ` (${change > 0 ? '+' : ''}${(summary.changeRatio * 100).toFixed(1)} %)`}
          <span className="visually-hidden"> over the time range</span>
        </p>
      )}
      {widget.sparkline && (
        <Sparkline x={summary.spark.x} y={summary.spark.y} color={color ?? display.color} />
      )}
    </div>
  );
}
