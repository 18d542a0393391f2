import { useMemo, useRef } from 'react';
import { useDownsample } from '../../hooks/useBucketReads.ts';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { useElementSize } from '../../hooks/useElementSize.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { barsOf, chartColumns, coarseningNote, seriesKeysOf } from '../../lib/downsampled.ts';
import { formatCount } from '../../lib/format.ts';
import { seriesDisplay } from '../../lib/series-display.ts';
import { axesByUnit, type ChartSeries } from '../../lib/time-chart-options.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { BarList } from '../charts/BarList.tsx';
import { TimeChart } from '../charts/TimeChart.tsx';
import { ErrorState } from '../ErrorState.tsx';

export const CHART_HEIGHT = 280;
/** KV buckets chart their first keys (in key order). */
const KV_BARS = 200;

interface Props {
  bucket: Bucket;
  /** A key range the chart is zoomed to; null: the whole bucket. */
  zoom: [number, number] | null;
  onZoom: (range: [number, number] | null) => void;
  /** Drag across the chart: the page offers zoom and delete for that range. */
  onSelect?: (from: number, to: number) => void;
}

/** The bucket's chart: its whole life (or the zoomed part) as one downsampled read. */
export function ChartPanel({ bucket, zoom, onZoom, onSelect }: Props) {
  const dashboardId = useDashboardId();
  const format = useTimeFormat();
  const box = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(box);
  const isKv = bucket.type === 'KV';
  const read = useDownsample({
    dashboardId,
    bucket,
    range: null,
    keyRange: isKv ? null : zoom,
    points: isKv ? KV_BARS : Math.max(50, Math.min(1000, Math.round(width / 2))),
    enabled: width > 0,
  });
  // The same array for as long as the set of series stays, so the chart is not rebuilt.
  const sksKey = read.data ? seriesKeysOf(read.data).join(',') : '';
  const sks = useMemo(() => (sksKey ? sksKey.split(',').map(Number) : []), [sksKey]);
  const series: ChartSeries[] = useMemo(
    () => axesByUnit(sks.map((sk, i) => seriesDisplay(bucket.series, sk, i))),
    [sks, bucket.series],
  );
  const values = useMemo(
    () => (read.data && !isKv ? chartColumns(read.data, sks, 'avg') : null),
    [read.data, sks, isKv],
  );

  const data = read.data;
  const points = data?.keys.length ?? 0;
  const note = data ? coarseningNote(data) : null;
  const caption = data
    ? isKv
      ? `${data.truncated ? `The first ${formatCount(points)}` : `All ${formatCount(points)}`} keys · ${sks.length} series`
      : data.interval === null
        ? `${formatCount(points)} record${points === 1 ? '' : 's'} · ${sks.length} series`
        : `${formatCount(data.count.reduce((a, b) => a + b, 0))} records as ${formatCount(points)} points · ${sks.length} series`
    : '';

  return (
    <section className="card" aria-labelledby="chart-title">
      <div className="card-header">
        <h3 id="chart-title">Chart</h3>
        <p className="muted">{caption}</p>
        {zoom && (
          <button type="button" className="btn btn-small" onClick={() => onZoom(null)}>
            Show everything
          </button>
        )}
      </div>
      <div ref={box}>
        {data === undefined ? (
          read.isError ? (
            <ErrorState error={read.error} onRetry={() => read.refetch()} />
          ) : (
            <div className="chart-placeholder skeleton" role="status" aria-label="Loading chart" />
          )
        ) : isKv ? (
          <div className="bar-list-box">
            <BarList
              bars={barsOf(data, sks, true, String)}
              series={series}
              description={`Bar chart: ${caption}`}
            />
          </div>
        ) : (
          values && (
            <TimeChart
              columns={values}
              values={values}
              series={series}
              keyType={bucket.type === 'IV' ? 'IV' : 'TSV'}
              xRange={zoom}
              height={CHART_HEIGHT}
              onSelect={onSelect}
              description={`Line chart: ${caption}`}
            />
          )
        )}
        {note && (
          <p className="muted chart-zoom-note" role="note">
            {note}
          </p>
        )}
        {zoom && bucket.type === 'TSV' && (
          <p className="muted chart-zoom-note">
            Zoomed to {format.dateTime(zoom[0])} → {format.dateTime(zoom[1])} {format.zoneShort}
          </p>
        )}
      </div>
    </section>
  );
}
