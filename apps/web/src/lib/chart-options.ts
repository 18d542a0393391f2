import type { BucketType } from '@bucketgrid/shared';
import uPlot from 'uplot';
import { categoryTicks } from './chart-data.ts';
import { formatDateTime } from './format.ts';

export const CHART_HEIGHT = 280;
const COLORS = ['#4f46e5', '#0891b2', '#16a34a', '#ea580c', '#db2777', '#7c3aed', '#ca8a04'];
const AXIS = { stroke: '#6b7280', grid: { stroke: '#eef0f4' }, ticks: { stroke: '#e2e5ea' } };
/** Room each category label needs on the x axis, in CSS pixels. */
const LABEL_ROOM_PX = 72;

export function seriesColor(index: number): string {
  return COLORS[index % COLORS.length]!;
}

/**
 * Grouped bars for category (KV) charts: the series of one key sit side by side within 80 %
 * of the key's slot, each shifted by its position in the group.
 */
function groupedBars(position: number, count: number): uPlot.Series.PathBuilder {
  const width = 0.8 / count;
  const ScaleValue = 1 as uPlot.Series.BarsPathBuilderFacetUnit;
  return uPlot.paths.bars!({
    disp: {
      x0: {
        unit: ScaleValue,
        values: (u) => (u.data[0] as number[]).map((x) => x - 0.4 + position * width),
      },
      size: { unit: ScaleValue, values: (u) => (u.data[0] as number[]).map(() => width) },
    },
  });
}

interface Options {
  type: BucketType;
  seriesKeys: number[];
  width: number;
  /** Read at draw time, so new data needs no new chart. */
  labels: () => string[] | null;
}

/** Lines per series for TSV and IV, bars for KV; time axis in local time for TSV. */
export function chartOptions({ type, seriesKeys, width, labels }: Options): uPlot.Options {
  const isKv = type === 'KV';
  const keyValue = (_u: uPlot, value: number | null) => {
    if (value === null) return '';
    if (isKv) return labels()?.[value] ?? '';
    return type === 'TSV' ? formatDateTime(value) : String(value);
  };
  return {
    width,
    height: CHART_HEIGHT,
    ms: 1,
    scales: {
      x: isKv
        ? { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] }
        : { time: type === 'TSV' },
      y: isKv ? { range: (_u, min, max) => [Math.min(0, min), Math.max(0, max) * 1.1 || 1] } : {},
    },
    series: [
      { label: type === 'TSV' ? 'Time' : 'Key', value: keyValue },
      ...seriesKeys.map((key, i) => ({
        label: `Series ${key}`,
        stroke: seriesColor(i),
        width: isKv ? 1 : 2,
        // A soft area under a lone line; several filled areas would muddy each other.
        fill: isKv
          ? `${seriesColor(i)}cc`
          : seriesKeys.length === 1
            ? `${seriesColor(i)}18`
            : undefined,
        paths: isKv ? groupedBars(i, seriesKeys.length) : undefined,
        points: isKv ? { show: false } : undefined,
      })),
    ],
    axes: [
      isKv
        ? {
            ...AXIS,
            splits: (u) =>
              categoryTicks(
                u.data[0].length,
                Math.floor(u.bbox.width / uPlot.pxRatio / LABEL_ROOM_PX),
              ),
            values: (_u, splits) => splits.map((i) => labels()?.[i] ?? ''),
          }
        : { ...AXIS },
      { ...AXIS, size: 56 },
    ],
    cursor: { drag: { x: !isKv, y: false } },
  };
}
