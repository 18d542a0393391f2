import { type SeriesMeta, seriesName } from '@bucketgrid/shared';

/** Colours for series nobody has coloured: distinct, and readable on white. */
export const PALETTE = [
  '#4f46e5',
  '#0891b2',
  '#16a34a',
  '#ea580c',
  '#db2777',
  '#7c3aed',
  '#ca8a04',
  '#0f766e',
  '#9f1239',
  '#475569',
];

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** Everything a legend, axis, tooltip, stat or table header shows about one series. */
export interface SeriesDisplay {
  sk: number;
  name: string;
  unit: string;
  color: string;
  decimals: number | null;
}

/**
 * How to show series key `sk` of a bucket: its description where the bucket has one ("Series 3"
 * only where nothing is set), else a palette colour by its position among the shown series.
 */
export function seriesDisplay(
  metas: readonly SeriesMeta[],
  sk: number,
  position: number,
): SeriesDisplay {
  const meta = metas.find((m) => m.sk === sk);
  return {
    sk,
    name: seriesName(metas, sk),
    unit: meta?.unit ?? '',
    color: meta?.color ?? paletteColor(position),
    decimals: meta?.decimals ?? null,
  };
}

/** What a table shows for a value sent as null: a gap, not the word. */
export const GAP_MARK = '–';

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(min: number, max: number): Intl.NumberFormat {
  const key = `${min}-${max}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: min,
      maximumFractionDigits: max,
    });
    formats.set(key, format);
  }
  return format;
}

/**
 * A number as a series shows it: with its set decimals, else as few as say it (up to 2, or
 * up to 4 below 1 so small readings do not collapse to 0).
 */
export function formatNumber(value: number, decimals: number | null): string {
  if (decimals !== null) return numberFormat(decimals, decimals).format(value);
  return numberFormat(0, Math.abs(value) < 1 ? 4 : 2).format(value);
}

/** `21.5 °C`; empty for no value, a dash for a known gap (a record sent with null). */
export function formatSeriesValue(
  value: number | null | undefined,
  series: Pick<SeriesDisplay, 'unit' | 'decimals'>,
): string {
  if (value === undefined) return '';
  if (value === null) return GAP_MARK;
  const number = formatNumber(value, series.decimals);
  return series.unit ? `${number} ${series.unit}` : number;
}
