import uPlot from 'uplot';
import type { ChartThreshold } from './alert-marks.ts';
import type { LatestMark } from './downsampled.ts';
import type { SeriesDisplay } from './series-display.ts';
import { formatNumber } from './series-display.ts';
import type { TimeFormat } from './time-format.ts';

export type ChartKeyType = 'TSV' | 'IV';

export interface ChartSeries extends SeriesDisplay {
  axis: 'left' | 'right';
}

export interface TimeChartConfig {
  keyType: ChartKeyType;
  series: ChartSeries[];
  style: 'line' | 'area';
  stacked: boolean;
  /** `low`: points and smoothed lines; `high`: thin lines, no points. */
  preset: 'low' | 'high';
  format: TimeFormat;
  width: number;
  height: number;
  /** The x range to show (the dashboard's), read at each redraw; null: the data's own. */
  xRange: () => [number, number] | null;
  /** A drag across the chart selected this key range. */
  onSelect?: (from: number, to: number) => void;
  /** Draw each series' min–max band (its min and max columns follow the lines in the data). */
  band: boolean;
  /** Charts with the same key share one cursor (the dashboard's crosshair). */
  syncKey?: string;
  /** Alert rules' thresholds, read at each redraw: drawn as lines, and kept inside the y range. */
  thresholds?: () => readonly ChartThreshold[];
  /** Each series' newest value, read at each redraw: drawn as a ringed dot, inside the y range. */
  latest?: () => readonly LatestMark[];
  /** The cursor moved to data index `idx` at `left`/`top` px in the plot (idx null: it left). */
  onCursor?: (cursor: ChartCursor) => void;
}

export interface ChartCursor {
  idx: number | null;
  left: number;
  top: number;
}

/**
 * The indices of a column's values that have no drawn neighbour (a gap or nothing on both
 * sides): a line cannot show them, so they are drawn as points.
 */
export function isolatedIndices(column: readonly (number | null | undefined)[]): number[] {
  const isolated: number[] = [];
  let previous: number | null | undefined = null;
  let pending = -1;
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    if (value === undefined) continue;
    if (value === null) {
      if (pending >= 0) isolated.push(pending);
      pending = -1;
    } else {
      pending = previous === null ? i : -1;
    }
    previous = value;
  }
  if (pending >= 0) isolated.push(pending);
  return isolated;
}

/**
 * Axes for series of mixed units: the first unit on the left, every other unit on the right,
 * so humidity never sits on a °C axis (a chart has two value axes).
 */
export function axesByUnit(series: readonly SeriesDisplay[]): ChartSeries[] {
  const left = series[0]?.unit ?? '';
  return series.map((s) => ({ ...s, axis: s.unit === left ? 'left' : 'right' }));
}

const AXIS = {
  stroke: '#5f6b7a',
  grid: { stroke: '#eef0f4', width: 1 },
  ticks: { stroke: '#e2e5ea', width: 1, size: 4 },
  font: '12px system-ui, sans-serif',
};

/** Whole-number steps for integer keys: an IV axis never shows 2.5. */
const INTEGER_INCREMENTS = Array.from({ length: 16 }, (_, power) =>
  [1, 2, 5].map((step) => step * 10 ** power),
).flat();

/** Width of an axis that fits its longest label (about 7 px a character at 12 px). */
function axisWidth(values: string[] | undefined, withLabel: boolean): number {
  const longest = Math.max(1, ...(values ?? []).map((value) => value.length));
  return Math.ceil(longest * 7 + 14 + (withLabel ? 18 : 0));
}

function decimalsFor(series: ChartSeries[], axis: 'left' | 'right'): number | null {
  return series.find((s) => s.axis === axis)?.decimals ?? null;
}

function unitFor(series: ChartSeries[], axis: 'left' | 'right'): string {
  return series.find((s) => s.axis === axis)?.unit ?? '';
}

function yAxis(series: ChartSeries[], axis: 'left' | 'right'): uPlot.Axis {
  const unit = unitFor(series, axis);
  const decimals = decimalsFor(series, axis);
  return {
    ...AXIS,
    scale: axis === 'left' ? 'y' : 'y2',
    side: axis === 'left' ? 3 : 1,
    grid: axis === 'left' ? AXIS.grid : { show: false },
    label: unit || undefined,
    labelSize: unit ? 18 : 0,
    labelFont: AXIS.font,
    space: 28,
    values: (_u, splits) => {
      // A series' decimals never merge two ticks into one label (20.45 and 20.5 as 20.5).
      const step = splits.length > 1 ? Math.abs(splits[1]! - splits[0]!) : 0;
      const needed = step > 0 ? Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) : 0;
      const shown = decimals === null ? null : Math.max(decimals, needed);
      return splits.map((value) => formatNumber(value, shown));
    },
    size: (_u, values) => axisWidth(values, unit !== ''),
  };
}

function xAxis(config: TimeChartConfig): uPlot.Axis {
  if (config.keyType === 'IV') {
    return {
      ...AXIS,
      incrs: INTEGER_INCREMENTS,
      space: 56,
      values: (_u, splits) => splits.map((value) => formatNumber(value, 0)),
      size: 36,
    };
  }
  return {
    ...AXIS,
    // Room for `2025-10-20` under a time, and at least 80 px between labels.
    space: 80,
    size: 48,
    values: (_u, splits, _axis, _space, increment) => config.format.ticks(splits, increment),
  };
}

function alpha(color: string, hex: string): string {
  return `${color}${hex}`;
}

/** uPlot options for a time (TSV) or integer-key (IV) chart. */
export function timeChartOptions(config: TimeChartConfig): uPlot.Options {
  const { series, preset, style, stacked } = config;
  const low = preset === 'low';
  const spline = low ? uPlot.paths.spline?.() : undefined;
  const hasRight = series.some((s) => s.axis === 'right');
  const bands: uPlot.Band[] = [];
  const count = series.length;
  if (config.band) {
    // Series 1..n are the lines, n+1..2n their minima, 2n+1..3n their maxima.
    series.forEach((s, i) => {
      bands.push({ series: [2 * count + i + 1, count + i + 1], fill: alpha(s.color, '2e') });
    });
  }
  if (stacked) {
    // Fill between each stacked series and the one below it on its axis, not down to zero.
    const below = new Map<string, number>();
    series.forEach((s, i) => {
      const lower = below.get(s.axis);
      if (lower !== undefined) bands.push({ series: [i + 1, lower + 1] });
      below.set(s.axis, i);
    });
  }
  const utc = config.format.zone === 'utc';
  // Values the y range must take in besides the lines: thresholds, and the newest values of
  // the series shown.
  const marksOn = (u: uPlot, axis: 'left' | 'right') => [
    ...(config.thresholds?.() ?? []).filter((t) => t.axis === axis).map((t) => t.value),
    ...shownMarks(u, config, axis).map((mark) => mark.value),
  ];
  return {
    width: config.width,
    height: config.height,
    ms: 1,
    tzDate: utc ? (ts) => uPlot.tzDate(new Date(ts), 'Etc/UTC') : undefined,
    legend: { show: false },
    // Room on the right for the last tick's label, which is centred on the plot's edge.
    padding: [12, 28, 0, 4],
    scales: {
      x: {
        time: config.keyType === 'TSV',
        range: (_u, min, max) => {
          const fixed = config.xRange();
          if (fixed) return fixed;
          if (min === max) return [min - 1, max + 1];
          return [min, max];
        },
      },
      y: {
        range: (u) =>
          padRange(
            ...withThresholds(drawnExtent(u, 'y'), marksOn(u, 'left')),
            stacked || style === 'area',
          ),
      },
      ...(hasRight
        ? {
            y2: {
              range: (u) =>
                padRange(...withThresholds(drawnExtent(u, 'y2'), marksOn(u, 'right')), false),
            },
          }
        : {}),
    },
    series: [
      {},
      ...series.map((s) => ({
        label: s.name,
        scale: s.axis === 'left' ? 'y' : 'y2',
        stroke: s.color,
        width: low ? 2 : 1,
        fill:
          style === 'area' || stacked ? alpha(s.color, style === 'area' ? '33' : '00') : undefined,
        points: {
          show: low,
          size: low ? 5 : 4,
          width: 1,
          fill: s.color,
          // A value with no neighbour has no line: it is drawn as a point in every preset.
          filter: low
            ? null
            : (u: uPlot, seriesIdx: number) => {
                const isolated = isolatedIndices(u.data[seriesIdx] as (number | null)[]);
                return isolated.length > 0 ? isolated : null;
              },
        },
        paths: spline,
        spanGaps: false,
      })),
      ...(config.band
        ? (['min', 'max'] as const).flatMap((figure) =>
            series.map((s) => ({
              label: `${s.name} ${figure}`,
              scale: s.axis === 'left' ? 'y' : 'y2',
              stroke: alpha(s.color, '00'),
              width: 0,
              points: { show: false },
              spanGaps: false,
            })),
          )
        : []),
    ],
    bands,
    axes: [xAxis(config), yAxis(series, 'left'), ...(hasRight ? [yAxis(series, 'right')] : [])],
    cursor: {
      drag: { x: Boolean(config.onSelect), y: false, setScale: false },
      points: { size: 6 },
      // uPlot's own hover points follow the same reach as the legend and the tooltip.
      hover: { prox: CURSOR_REACH_PX },
      ...(config.syncKey ? { sync: { key: config.syncKey, setSeries: false } } : {}),
    },
    hooks: {
      draw: [
        (u) => {
          drawThresholds(u, config.thresholds?.() ?? []);
          drawLatestMarks(u, config);
        },
      ],
      // The shown key and value spans, on the element: where a key or a value lands is
      // checkable from outside.
      setScale: [
        (u, key) => {
          if (key !== 'x' && key !== 'y') return;
          u.root.dataset[`${key}Min`] = String(u.scales[key]?.min ?? '');
          u.root.dataset[`${key}Max`] = String(u.scales[key]?.max ?? '');
        },
      ],
      setSelect: [
        (u) => {
          const { left, width } = u.select;
          if (width > 4 && config.onSelect) {
            const from = u.posToVal(left, 'x');
            const to = u.posToVal(left + width, 'x');
            config.onSelect(Math.round(from), Math.round(to));
          }
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
      setCursor: [
        (u) =>
          config.onCursor?.({
            idx: nearestShownIndex(u),
            left: u.cursor.left ?? 0,
            top: u.cursor.top ?? 0,
          }),
      ],
    },
  };
}

/** How far (CSS px) the cursor may be from a point for the legend and tooltip to show it. */
export const CURSOR_REACH_PX = 24;

/**
 * The point at the cursor: uPlot's closest index, unless that point is further than
 * CURSOR_REACH_PX away (a chart whose data covers an hour of a 24 h range would otherwise
 * show the hour's first values anywhere in the other 23 hours as the values "at" the cursor).
 */
export function nearestShownIndex(u: uPlot): number | null {
  const idx = u.cursor.idx;
  const x = idx === null || idx === undefined ? undefined : u.data[0][idx];
  if (x === undefined || u.cursor.left === undefined || u.cursor.left < 0) return null;
  return Math.abs(u.valToPos(x, 'x') - u.cursor.left) <= CURSOR_REACH_PX ? idx! : null;
}

/**
 * The lowest and highest value drawn on a y scale: every point of its shown series and
 * bands, not only those inside the x range as uPlot's own range takes. The interval at
 * either end of a read is centred past the range's edge; its line still runs into the
 * plot, and must not leave it at the top.
 */
export function drawnExtent(u: uPlot, scale: string): [number | null, number | null] {
  let min: number | null = null;
  let max: number | null = null;
  u.series.forEach((series, i) => {
    if (i === 0 || series.scale !== scale || series.show === false) return;
    for (const value of u.data[i] ?? []) {
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      if (min === null || value < min) min = value;
      if (max === null || value > max) max = value;
    }
  });
  return [min, max];
}

/** Some air above and below the data; areas and stacks start at zero. */
export function padRange(
  min: number | null,
  max: number | null,
  fromZero: boolean,
): [number, number] {
  if (min === null || max === null) return [0, 1];
  let low = fromZero ? Math.min(0, min) : min;
  let high = fromZero ? Math.max(0, max) : max;
  if (low === high) {
    const pad = Math.abs(low) * 0.1 || 1;
    return [low - pad, high + pad];
  }
  const pad = (high - low) * 0.08;
  if (!(fromZero && low === 0)) low -= pad;
  high += pad;
  return [low, high];
}

/**
 * A data extent widened to take in other values drawn on the plot (thresholds, the newest
 * values' marks), so a rule's line or a mark is never off it.
 */
export function withThresholds(
  [min, max]: [number | null, number | null],
  values: readonly number[],
): [number | null, number | null] {
  if (values.length === 0) return [min, max];
  return [Math.min(min ?? Infinity, ...values), Math.max(max ?? -Infinity, ...values)];
}

const THRESHOLD_COLORS = { firing: '#c62828', ok: '#e08a00' };

/** Each threshold as a dashed line across the plot: red while its rule fires, amber otherwise. */
function drawThresholds(u: uPlot, thresholds: readonly ChartThreshold[]): void {
  if (thresholds.length === 0) return;
  const { ctx, bbox } = u;
  ctx.save();
  ctx.lineWidth = Math.max(1, devicePixelRatio);
  ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
  for (const threshold of thresholds) {
    const scale = threshold.axis === 'left' ? 'y' : 'y2';
    if (!u.scales[scale]) continue;
    const y = Math.round(u.valToPos(threshold.value, scale, true));
    ctx.strokeStyle = threshold.firing ? THRESHOLD_COLORS.firing : THRESHOLD_COLORS.ok;
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
  }
  ctx.restore();
}

/** The latest marks of the series on `axis` that are shown (none on a stacked chart). */
function shownMarks(u: uPlot, config: TimeChartConfig, axis?: 'left' | 'right'): LatestMark[] {
  if (config.stacked) return [];
  return (config.latest?.() ?? []).filter((mark) => {
    const series = config.series[mark.series];
    return (
      series !== undefined &&
      (axis === undefined || series.axis === axis) &&
      u.series[mark.series + 1]?.show !== false
    );
  });
}

/**
 * Each shown series' newest value as a dot in its colour with a white ring, where its line's
 * last point is drawn. The values drawn are on the element (`data-latest-marks`), so what
 * the chart shows is checkable from outside.
 */
function drawLatestMarks(u: uPlot, config: TimeChartConfig): void {
  const marks = shownMarks(u, config);
  u.root.dataset.latestMarks = marks.map((mark) => mark.value).join(' ');
  if (marks.length === 0) return;
  const { ctx } = u;
  const radius = 3.5 * devicePixelRatio;
  ctx.save();
  ctx.lineWidth = 2 * devicePixelRatio;
  ctx.strokeStyle = '#ffffff';
  for (const mark of marks) {
    const series = config.series[mark.series]!;
    // The last interval's middle can lie past the range's end; its newest record cannot.
    const { min = mark.x, max = mark.x } = u.scales.x ?? {};
    const x = u.valToPos(Math.min(Math.max(mark.x, min), max), 'x', true);
    const y = u.valToPos(mark.value, series.axis === 'left' ? 'y' : 'y2', true);
    ctx.fillStyle = series.color;
    ctx.beginPath();
    ctx.arc(x, y, radius, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.fill();
  }
  ctx.restore();
}
