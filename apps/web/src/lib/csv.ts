import { type SeriesMeta, seriesName } from '@bucketgrid/shared';
import Papa from 'papaparse';

/**
 * Rows as CSV (RFC 4180: CRLF, fields quoted where needed). Text cells that a spreadsheet
 * would run as a formula (= + - @ first) are escaped; numbers are written as they are, so a
 * negative value stays a number.
 */
export function toCsv(rows: (string | number | null | undefined)[][]): string {
  return `${Papa.unparse(rows, { newline: '\r\n', escapeFormulae: true })}\r\n`;
}

/** A file name from a title: letters, digits and . _ - kept, the rest one dash. */
export function csvFileName(title: string): string {
  const base = title.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '');
  return `${base || 'export'}.csv`;
}

/** A series' column header: its name, and its unit as the REST export writes it. */
export function seriesColumnName(series: SeriesMeta[], sk: number, suffix = ''): string {
  const unit = series.find((meta) => meta.sk === sk)?.unit;
  const name = `${seriesName(series, sk)}${suffix}`;
  return unit ? `${name} (${unit})` : name;
}
