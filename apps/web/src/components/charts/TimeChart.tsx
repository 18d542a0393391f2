import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useElementSize } from '../../hooks/useElementSize.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import type { ChartThreshold } from '../../lib/alert-marks.ts';
import { type Columns, latestMarks } from '../../lib/downsampled.ts';
import {
  type ChartCursor,
  type ChartKeyType,
  type ChartSeries,
  timeChartOptions,
} from '../../lib/time-chart-options.ts';
import { ChartLegend } from './ChartLegend.tsx';
import { ChartTooltip } from './ChartTooltip.tsx';
import styles from './TimeChart.module.css';

interface Props {
  /** What is drawn (stacked sums when stacked). */
  columns: Columns;
  /** The values the legend and tooltip read (never stacked); the same x as `columns`. */
  values: Columns;
  /** Each interval's min and max (the same x), drawn as a band behind each line. */
  band?: { min: Columns; max: Columns } | null;
  series: ChartSeries[];
  keyType: ChartKeyType;
  style?: 'line' | 'area';
  stacked?: boolean;
  preset?: 'low' | 'high';
  /** The x range to show (a dashboard range); null: the data's own extent. */
  xRange: [number, number] | null;
  /** Height of the chart and its legend together. */
  height: number;
  /** Charts with the same key share one crosshair (a dashboard's time charts). */
  syncKey?: string;
  /** Drag across the chart to select a key range (zoom, or delete on the bucket page). */
  onSelect?: (from: number, to: number) => void;
  /** Alert rules' thresholds on the shown series, drawn as horizontal lines. */
  thresholds?: readonly ChartThreshold[];
  /** For screen readers: what the chart shows. */
  description: string;
}

/** The smallest plot a legend may leave; past that the legend scrolls. */
const MIN_PLOT_PX = 80;
const NO_THRESHOLDS: readonly ChartThreshold[] = [];

function aligned(
  columns: Columns,
  band: { min: Columns; max: Columns } | null | undefined,
): uPlot.AlignedData {
  const extra = band ? [...band.min.series, ...band.max.series] : [];
  return [columns.x, ...columns.series, ...extra] as uPlot.AlignedData;
}

/**
 * A uPlot line/area chart with a legend of series names and latest values (hover: the values
 * at the cursor, and a tooltip beside it). It is built once per shape (series, style, zone)
 * and then only handed new data, so live updates neither flicker nor reset anything.
 */
export function TimeChart({
  columns,
  values,
  band,
  series,
  keyType,
  style = 'line',
  stacked = false,
  preset = 'high',
  xRange,
  height,
  syncKey,
  onSelect,
  thresholds = NO_THRESHOLDS,
  description,
}: Props) {
  const format = useTimeFormat();
  const container = useRef<HTMLDivElement>(null);
  const legend = useRef<HTMLUListElement>(null);
  const plot = useRef<uPlot | null>(null);
  const marks = useMemo(() => latestMarks(values), [values]);
  const latest = useRef({ columns, band, xRange, onSelect, thresholds, marks });
  latest.current = { columns, band, xRange, onSelect, thresholds, marks };
  const [cursor, setCursor] = useState<ChartCursor | null>(null);
  const [hovered, setHovered] = useState(false);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(() => new Set());
  const hasBand = Boolean(band);
  const shape = useMemo(
    () =>
      JSON.stringify({
        series,
        keyType,
        style,
        stacked,
        preset,
        hasBand,
        syncKey,
        zone: format.zone,
        select: Boolean(onSelect),
      }),
    [series, keyType, style, stacked, preset, hasBand, syncKey, format.zone, onSelect],
  );
  const legendHeight = useElementSize(legend).height;
  const chartHeight = Math.max(MIN_PLOT_PX, height - legendHeight);

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
      band: hasBand,
      syncKey,
      width: element.clientWidth,
      height: chartHeight,
      xRange: () => latest.current.xRange,
      thresholds: () => latest.current.thresholds,
      latest: () => latest.current.marks,
      onSelect: onSelect ? (from, to) => latest.current.onSelect?.(from, to) : undefined,
      onCursor: setCursor,
    });
    const chart = new uPlot(options, aligned(latest.current.columns, latest.current.band), element);
    plot.current = chart;
    const enter = () => setHovered(true);
    const leave = () => setHovered(false);
    chart.over.addEventListener('mouseenter', enter);
    chart.over.addEventListener('mouseleave', leave);
    const resize = new ResizeObserver(() => {
      if (element.clientWidth > 0)
        chart.setSize({ width: element.clientWidth, height: chart.height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.over.removeEventListener('mouseenter', enter);
      chart.over.removeEventListener('mouseleave', leave);
      chart.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    const chart = plot.current;
    if (chart && chart.height !== chartHeight)
      chart.setSize({ width: chart.width, height: chartHeight });
  }, [chartHeight]);

  // New data or thresholds (by value: latest.current hands them to the chart): the y range is
  // worked out again and the lines redrawn.
  const thresholdKey = JSON.stringify(thresholds);
  useEffect(() => {
    plot.current?.setData(aligned(columns, band));
  }, [columns, band, thresholdKey, marks]);

  // Series hidden from the legend: their line and band (uPlot series i+1, n+i+1, 2n+i+1).
  useEffect(() => {
    const chart = plot.current;
    if (!chart) return;
    const count = series.length;
    series.forEach((_, i) => {
      const show = !hidden.has(i);
      const indices = hasBand ? [i + 1, count + i + 1, 2 * count + i + 1] : [i + 1];
      for (const index of indices) {
        if (chart.series[index]?.show !== show) chart.setSeries(index, { show });
      }
    });
  }, [hidden, shape]);

  const rangeFrom = xRange?.[0];
  const rangeTo = xRange?.[1];
  useEffect(() => {
    const chart = plot.current;
    if (chart && rangeFrom !== undefined && rangeTo !== undefined) {
      chart.setScale('x', { min: rangeFrom, max: rangeTo });
    }
  }, [rangeFrom, rangeTo]);

  const toggle = (index: number, isolate: boolean) => {
    setHidden((current) => {
      if (!isolate) {
        const next = new Set(current);
        if (next.has(index)) next.delete(index);
        else next.add(index);
        return next;
      }
      const isolated = current.size === series.length - 1 && !current.has(index);
      return isolated ? new Set() : new Set(series.map((_, i) => i).filter((i) => i !== index));
    });
  };

  const over = plot.current?.over;
  const index = cursor?.idx ?? null;
  return (
    <div className={styles.timeChart}>
      <div ref={container} className={styles.chart} role="img" aria-label={description} />
      {hovered && index !== null && over && (
        <ChartTooltip
          values={values}
          band={band ?? null}
          series={series}
          hidden={hidden}
          keyType={keyType}
          index={index}
          left={over.offsetLeft + (cursor?.left ?? 0)}
          top={over.offsetTop + (cursor?.top ?? 0)}
          plotWidth={over.clientWidth}
          plotLeft={over.offsetLeft}
        />
      )}
      <ChartLegend
        ref={legend}
        values={values}
        series={series}
        keyType={keyType}
        cursor={index}
        hidden={hidden}
        onToggle={toggle}
      />
    </div>
  );
}
