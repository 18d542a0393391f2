import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import type { Columns } from '../../lib/downsampled.ts';
import {
  type ChartKeyType,
  type ChartSeries,
  timeChartOptions,
} from '../../lib/time-chart-options.ts';
import { ChartLegend } from './ChartLegend.tsx';

interface Props {
  /** What is drawn (stacked sums when stacked). */
  columns: Columns;
  /** The values the legend reads (never stacked); the same x as `columns`. */
  values: Columns;
  series: ChartSeries[];
  keyType: ChartKeyType;
  style?: 'line' | 'area';
  stacked?: boolean;
  preset?: 'low' | 'high';
  /** The x range to show (a dashboard range); null: the data's own extent. */
  xRange: [number, number] | null;
  height: number;
  /** Drag across the chart to select a key range (zoom, or delete on the bucket page). */
  onSelect?: (from: number, to: number) => void;
  /** For screen readers: what the chart shows. */
  description: string;
}

function aligned(columns: Columns): uPlot.AlignedData {
  return [columns.x, ...columns.series] as uPlot.AlignedData;
}

/**
 * A uPlot line/area chart with a legend of series names and values (at the cursor, else the
 * latest). It is built once per shape (series, style, zone) and then only handed new data,
 * so live updates neither flicker nor reset anything.
 */
export function TimeChart({
  columns,
  values,
  series,
  keyType,
  style = 'line',
  stacked = false,
  preset = 'high',
  xRange,
  height,
  onSelect,
  description,
}: Props) {
  const format = useTimeFormat();
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ columns, xRange, onSelect });
  latest.current = { columns, xRange, onSelect };
  const [cursor, setCursor] = useState<number | null>(null);
  const shape = useMemo(
    () =>
      JSON.stringify({
        series,
        keyType,
        style,
        stacked,
        preset,
        zone: format.zone,
        select: Boolean(onSelect),
      }),
    [series, keyType, style, stacked, preset, format.zone, onSelect],
  );
  const chartHeight = Math.max(80, height);

  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    const options = timeChartOptions({
      keyType,
      series,
      style,
      stacked,
      preset,
      format,
      width: element.clientWidth,
      height: chartHeight,
      xRange: () => latest.current.xRange,
      onSelect: onSelect ? (from, to) => latest.current.onSelect?.(from, to) : undefined,
      onCursor: setCursor,
    });
    const chart = new uPlot(options, aligned(latest.current.columns), element);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      if (element.clientWidth > 0)
        chart.setSize({ width: element.clientWidth, height: chart.height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    const chart = plot.current;
    if (chart && chart.height !== chartHeight)
      chart.setSize({ width: chart.width, height: chartHeight });
  }, [chartHeight]);

  useEffect(() => {
    plot.current?.setData(aligned(columns));
  }, [columns]);

  const rangeFrom = xRange?.[0];
  const rangeTo = xRange?.[1];
  useEffect(() => {
    const chart = plot.current;
    if (chart && rangeFrom !== undefined && rangeTo !== undefined) {
      chart.setScale('x', { min: rangeFrom, max: rangeTo });
    }
  }, [rangeFrom, rangeTo]);

  return (
    <div className="time-chart">
      <div ref={container} className="chart" role="img" aria-label={description} />
      <ChartLegend values={values} series={series} keyType={keyType} cursor={cursor} />
    </div>
  );
}
