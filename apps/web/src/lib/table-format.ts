import type { SeriesDisplay } from './series-display.ts';
import type { BucketRecord } from './trpc.ts';

/** Fraction digits the automatic format gives a value: up to 2, or up to 4 below 1. */
function autoDecimals(value: number): number {
  const most = Math.abs(value) < 1 ? 4 : 2;
  const fixed = value.toFixed(most).replace(/0+$/, '');
  const point = fixed.indexOf('.');
  return point < 0 ? 0 : fixed.length - point - 1;
}

/**
 * Columns of a records table with one count of decimals each: the series' own setting, else
 * as many as its most precise value needs, so `48` and `48.1` line up as `48.0` and `48.1`.
 */
export function tableColumns(
  columns: readonly SeriesDisplay[],
  records: readonly BucketRecord[],
): SeriesDisplay[] {
  return columns.map((column) => {
    if (column.decimals !== null) return column;
    let decimals = 0;
    for (const record of records) {
      const value = record.data.find((d) => d.series_key === column.sk)?.value;
      if (typeof value === 'number') decimals = Math.max(decimals, autoDecimals(value));
    }
    return { ...column, decimals };
  });
}

/** Whether times need milliseconds to tell records apart: two are less than a second apart. */
export function needsMilliseconds(keys: readonly number[]): boolean {
  for (let i = 1; i < keys.length; i++) {
    if (Math.abs(keys[i]! - keys[i - 1]!) < 1_000) return true;
  }
  return false;
}
