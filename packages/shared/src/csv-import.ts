import type { BucketType } from './bucket-key.ts';
import { MAX_SERIES_KEY, MAX_SERIES_PER_RECORD } from './records.ts';
import type { SeriesMeta } from './series.ts';

/**
 * CSV import, the part the web app's worker and the CLI share: columns mapped to the record
 * key and to series keys, each row turned into a record in the long form (as a write's body
 * takes it) or into a problem naming its line and what to fix. Parsing the CSV text itself is
 * the caller's (papaparse in both, streaming).
 */

/** A file of at most this many bytes is imported (the web app; the CLI streams any size). */
export const MAX_IMPORT_FILE_BYTES = 100 * 1024 * 1024;
/** Records sent in one write of an import (and the most the import write procedure takes). */
export const IMPORT_BATCH_RECORDS = 5_000;
/** The most row problems an import reports (the count goes on past it). */
export const MAX_IMPORT_PROBLEMS = 1_000;

/**
 * How a TSV key column is written: ISO 8601 (a time without a zone is UTC), unix seconds
 * (fractions to the millisecond), unix milliseconds, or a pattern of YYYY MM DD HH mm ss SSS
 * and literal characters (read as UTC).
 */
export type ImportTimeFormat =
  | { kind: 'iso' }
  | { kind: 'unix_s' }
  | { kind: 'unix_ms' }
  | { kind: 'pattern'; pattern: string };

export interface ImportMapping {
  /** The column (0-based) holding each record's key. */
  keyColumn: number;
  /** Columns holding series values, each with the series key it goes to. */
  series: { column: number; sk: number }[];
  /** TSV buckets only. */
  timeFormat: ImportTimeFormat;
}

export interface ImportRecord {
  key: number | string;
  data: { series_key: number; value: number }[];
}

export interface RowProblem {
  /** The line of the file the row starts on (the header is line 1). */
  line: number;
  reason: string;
}

export type RowOutcome = { record: ImportRecord } | { problem: string };

/**
 * The mapping a header suggests: `keyColumn` (the first by default) is the key; every other
 * column whose name is a series name (or "name (unit)" as exports write it, or a series key's
 * number) goes to that series; the rest to new series keys after the highest one named.
 */
export function suggestMapping(
  header: string[],
  known: SeriesMeta[],
  keyColumn = 0,
): ImportMapping {
  const byName = new Map(known.map((meta) => [meta.name.trim().toLowerCase(), meta.sk]));
  const taken = new Set<number>();
  const matched = header.map((name, column) => {
    if (column === keyColumn) return undefined;
    const plain = name.trim().toLowerCase();
    const withoutUnit = plain.replace(/\s*\([^)]*\)$/, '');
    const sk =
      byName.get(plain) ??
      byName.get(withoutUnit) ??
      (/^\d+$/.test(plain) && Number(plain) >= 1 ? Number(plain) : undefined);
    if (sk !== undefined && !taken.has(sk)) {
      taken.add(sk);
      return sk;
    }
    return undefined;
  });
  let next = Math.max(0, ...known.map((meta) => meta.sk), ...taken) + 1;
  const series: ImportMapping['series'] = [];
  for (let column = 0; column < header.length; column++) {
    if (column === keyColumn) continue;
    const sk = matched[column] ?? next++;
    series.push({ column, sk });
  }
  return { keyColumn, series, timeFormat: { kind: 'iso' } };
}

/**
 * Descriptions for the series an import creates, from their columns' names ("Pressure (hPa)":
 * name Pressure, unit hPa); series the bucket describes already, and columns named by a bare
 * number, are left as they are.
 */
export function newSeriesOf(
  header: string[],
  mapping: ImportMapping,
  known: SeriesMeta[],
): SeriesMeta[] {
  const described = new Set(known.map((meta) => meta.sk));
  const created: SeriesMeta[] = [];
  for (const { column, sk } of mapping.series) {
    const text = (header[column] ?? '').trim();
    if (described.has(sk) || text === '' || /^\d+$/.test(text)) continue;
    const match = /^(.*?)\s*\(([^)]*)\)$/.exec(text);
    const name = (match?.[1] || text).slice(0, 60).trim();
    const unit = (match?.[1] ? (match[2] ?? '') : '').slice(0, 16).trim();
    created.push({ sk, name, unit, color: null, decimals: null });
  }
  return created;
}

/** Why a mapping cannot be used, or null. */
export function mappingProblem(mapping: ImportMapping, columns: number): string | null {
  if (mapping.keyColumn < 0 || mapping.keyColumn >= columns) return 'choose the key column';
  if (mapping.series.length === 0) return 'map at least one column to a series';
  if (mapping.series.length > MAX_SERIES_PER_RECORD) {
    return `a record holds at most ${MAX_SERIES_PER_RECORD} series: skip some columns`;
  }
  const sks = new Set<number>();
  for (const { column, sk } of mapping.series) {
    if (column === mapping.keyColumn) return 'the key column cannot also be a series';
    if (!Number.isInteger(sk) || sk < 1 || sk > MAX_SERIES_KEY) {
      return `series keys are whole numbers from 1 to ${MAX_SERIES_KEY}`;
    }
    if (sks.has(sk)) return `series key ${sk} is mapped twice`;
    sks.add(sk);
  }
  if (mapping.timeFormat.kind === 'pattern' && !/YYYY/.test(mapping.timeFormat.pattern)) {
    return 'a time pattern needs at least YYYY (with MM, DD, HH, mm, ss, SSS as the file has them)';
  }
  return null;
}

/** One row as a record, or what is wrong with it in words. */
export function recordOfRow(row: string[], mapping: ImportMapping, type: BucketType): RowOutcome {
  const keyText = (row[mapping.keyColumn] ?? '').trim();
  if (keyText === '') return { problem: 'the key cell is empty' };
  const key = parseKey(keyText, type, mapping.timeFormat);
  if (typeof key === 'object') return { problem: key.problem };
  const data: ImportRecord['data'] = [];
  for (const { column, sk } of mapping.series) {
    const text = (row[column] ?? '').trim();
    if (text === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value) || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
      return { problem: `column ${column + 1}: "${clip(text)}" is not a number` };
    }
    data.push({ series_key: sk, value });
  }
  if (data.length === 0) return { problem: 'no value in any mapped column' };
  return { record: { key, data } };
}

function parseKey(
  text: string,
  type: BucketType,
  format: ImportTimeFormat,
): number | string | { problem: string } {
  if (type === 'KV') {
    return text.length <= 256 ? text : { problem: 'a key is at most 256 characters' };
  }
  if (type === 'IV') {
    const n = Number(text);
    return /^-?\d+$/.test(text) && Number.isSafeInteger(n)
      ? n
      : { problem: `key "${clip(text)}" is not a whole number` };
  }
  const ms = parseTime(text, format);
  return ms === null || ms < 0
    ? { problem: `key "${clip(text)}" is not a time as ${describeTimeFormat(format)}` }
    : ms;
}

/** Unix milliseconds of a time cell, or null. */
export function parseTime(text: string, format: ImportTimeFormat): number | null {
  switch (format.kind) {
    case 'unix_ms':
      return /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
    case 'unix_s':
      return /^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * 1000) : null;
    case 'iso': {
      const match =
        /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
          text,
        );
      if (!match) return null;
      const zoned = match[4] ? text : `${text}${match[1] ? 'Z' : 'T00:00:00Z'}`;
      const ms = Date.parse(zoned.replace(' ', 'T'));
      return Number.isNaN(ms) ? null : ms;
    }
    case 'pattern':
      return parsePattern(text, format.pattern);
  }
}

const PATTERN_FIELDS = ['YYYY', 'SSS', 'MM', 'DD', 'HH', 'mm', 'ss'] as const;

/** A time by a pattern (UTC): YYYY MM DD HH mm ss SSS stand for digits, the rest is literal. */
function parsePattern(text: string, pattern: string): number | null {
  const order: (typeof PATTERN_FIELDS)[number][] = [];
  let source = '';
  for (let i = 0; i < pattern.length; ) {
    const field = PATTERN_FIELDS.find((f) => pattern.startsWith(f, i));
    if (field) {
      order.push(field);
      source += `(\\d{${field.length}})`;
      i += field.length;
    } else {
      source += pattern[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  const match = new RegExp(`^${source}$`).exec(text);
  if (!match) return null;
  const part = (field: (typeof PATTERN_FIELDS)[number], fallback: number) => {
    const at = order.indexOf(field);
    return at === -1 ? fallback : Number(match[at + 1]);
  };
  const [year, month, day] = [part('YYYY', 1970), part('MM', 1), part('DD', 1)];
  const [hour, minute, second] = [part('HH', 0), part('mm', 0), part('ss', 0)];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, part('SSS', 0));
  const back = new Date(ms);
  // 2025-02-30 is not a day: Date.UTC would roll it over into March.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23) return null;
  if (minute > 59 || second > 59) return null;
  return ms;
}

export function describeTimeFormat(format: ImportTimeFormat): string {
  switch (format.kind) {
    case 'iso':
      return 'ISO 8601 (2025-10-20T10:00:00Z)';
    case 'unix_s':
      return 'unix seconds';
    case 'unix_ms':
      return 'unix milliseconds';
    case 'pattern':
      return `the pattern ${format.pattern}`;
  }
}

/** Lines a row took in the file: one, plus the line breaks inside its quoted cells. */
export function linesOfRow(row: string[]): number {
  let lines = 1;
  for (const cell of row) {
    for (let i = cell.indexOf('\n'); i !== -1; i = cell.indexOf('\n', i + 1)) lines++;
  }
  return lines;
}

/** Whether a row is a blank line (papaparse gives [''] for one). */
export function isBlankRow(row: string[]): boolean {
  return row.every((cell) => cell.trim() === '');
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
