import type { BucketType, RecordKey } from './bucket-key.ts';
import { KeyError, normalizeKey } from './bucket-key.ts';
import { AppError, MAX_PROBLEM_ITEMS, type ProblemDetailItem } from './problems.ts';

export const MAX_RECORDS_PER_WRITE = 10_000;
export const MAX_SERIES_PER_RECORD = 100;
export const MAX_SERIES_KEY = 1000;
export const MAX_WRITE_BODY_BYTES = 5 * 1024 * 1024;

/**
 * 2001-01-01T00:00:00Z in unix milliseconds. Unix seconds of any date after 1970-01-12 are
 * numbers below it, so a TSV write whose numeric keys all are is most likely in seconds.
 */
export const MILLISECOND_KEYS_FROM = 978_307_200_000;

/**
 * Filled while a TSV write's keys are parsed (one comparison per record): how many keys were
 * written as numbers, and how many of those fall before 2001 (MILLISECOND_KEYS_FROM).
 */
export interface NumericKeyTally {
  numeric: number;
  before2001: number;
}

/** Whether a write's numeric keys (at least one) all fall before 2001: likely seconds. */
export function keysLookLikeSeconds(tally: NumericKeyTally): boolean {
  return tally.numeric > 0 && tally.before2001 === tally.numeric;
}

/** Series key → value; `null` is a known gap. Integer keys keep JSON output sorted by key. */
export type SeriesValues = Record<number, number | null>;

/** A validated, normalised record as the store receives it. */
export interface DataRecord {
  key: RecordKey;
  values: SeriesValues;
}

/** The long form of a record, as the REST API and tRPC return it. */
export interface LongRecord {
  key: RecordKey;
  data: { series_key: number; value: number | null }[];
}

/** The minified form (`format=min`). */
export interface MinRecord {
  k: RecordKey;
  d: { sk: number; v: number | null }[];
}

export function toLongRecord(record: DataRecord): LongRecord {
  const data: LongRecord['data'] = [];
  for (const sk in record.values) data.push({ series_key: Number(sk), value: record.values[sk]! });
  return { key: record.key, data };
}

export function toMinRecord(record: DataRecord): MinRecord {
  const d: MinRecord['d'] = [];
  for (const sk in record.values) d.push({ sk: Number(sk), v: record.values[sk]! });
  return { k: record.key, d };
}

/**
 * Validates the JSON body of a write and normalises every record. Hand-written rather than
 * a zod schema because it runs for every record of every write: it makes one pass, allocates
 * only what it returns, and collects every problem with a JSON pointer (up to 100).
 * Throws AppError('invalid_records') when anything is wrong, so nothing partial is written.
 */
export function parseRecordBatch(
  body: unknown,
  type: BucketType,
  tally?: NumericKeyTally,
): DataRecord[] {
  // The scanning parser may have counted part of this batch before handing it over.
  if (tally) {
    tally.numeric = 0;
    tally.before2001 = 0;
  }
  if (!Array.isArray(body)) {
    throw new AppError('invalid_records', 'The body must be a JSON array of records.', {
      errors: [{ pointer: '', detail: 'expected an array of records' }],
    });
  }
  if (body.length === 0 || body.length > MAX_RECORDS_PER_WRITE) {
    throw new AppError(
      'invalid_records',
      `A write carries 1 to ${MAX_RECORDS_PER_WRITE} records; this one has ${body.length}.`,
      { errors: [{ pointer: '', detail: `expected 1 to ${MAX_RECORDS_PER_WRITE} records` }] },
    );
  }
  const errors: ProblemDetailItem[] = [];
  const records: DataRecord[] = new Array(body.length);
  for (let i = 0; i < body.length && errors.length < MAX_PROBLEM_ITEMS; i++) {
    const record = parseRecord(body[i], type, `/${i}`, errors, tally);
    if (record) records[i] = record;
  }
  if (errors.length > 0) {
    const more = errors.length >= MAX_PROBLEM_ITEMS ? ' (the first 100 are listed)' : '';
    throw new AppError(
      'invalid_records',
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the records${more}; nothing was written.`,
      { errors: errors.slice(0, MAX_PROBLEM_ITEMS) },
    );
  }
  return records;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseRecord(
  raw: unknown,
  type: BucketType,
  pointer: string,
  errors: ProblemDetailItem[],
  tally: NumericKeyTally | undefined,
): DataRecord | undefined {
  if (!isPlainObject(raw)) {
    errors.push({ pointer, detail: 'a record must be an object with "key" and "data"' });
    return undefined;
  }
  let rawKey: unknown;
  let keyName: string | undefined;
  let rawData: unknown;
  let dataName: string | undefined;
  const before = errors.length;
  for (const prop in raw) {
    if (prop === 'key' || prop === 'k') {
      if (keyName !== undefined) {
        errors.push({ pointer, detail: 'give the key once, as "key" or "k"' });
      }
      keyName = prop;
      rawKey = raw[prop];
    } else if (prop === 'data' || prop === 'd') {
      if (dataName !== undefined) {
        errors.push({ pointer, detail: 'give the data once, as "data" or "d"' });
      }
      dataName = prop;
      rawData = raw[prop];
    } else {
      errors.push({ pointer: `${pointer}/${escapePointer(prop)}`, detail: 'unknown property' });
    }
  }
  let key: RecordKey | KeyError | undefined;
  if (keyName === undefined) {
    errors.push({ pointer, detail: 'missing "key" (or "k")' });
  } else {
    key = normalizeKey(type, rawKey);
    if (key instanceof KeyError) {
      errors.push({ pointer: `${pointer}/${keyName}`, detail: key.detail });
    } else if (tally !== undefined && typeof rawKey === 'number') {
      tally.numeric++;
      if ((key as number) < MILLISECOND_KEYS_FROM) tally.before2001++;
    }
  }
  let values: SeriesValues | undefined;
  if (dataName === undefined) {
    errors.push({ pointer, detail: 'missing "data" (or "d")' });
  } else {
    values = parseSeriesValues(rawData, `${pointer}/${dataName}`, errors);
  }
  if (errors.length !== before || values === undefined || key === undefined) return undefined;
  return { key: key as RecordKey, values };
}

function parseSeriesValues(
  raw: unknown,
  pointer: string,
  errors: ProblemDetailItem[],
): SeriesValues | undefined {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_SERIES_PER_RECORD) {
    errors.push({
      pointer,
      detail: `expected an array of 1 to ${MAX_SERIES_PER_RECORD} series values`,
    });
    return undefined;
  }
  const values: SeriesValues = {};
  const before = errors.length;
  for (let j = 0; j < raw.length; j++) {
    const item: unknown = raw[j];
    const itemPointer = `${pointer}/${j}`;
    if (!isPlainObject(item)) {
      errors.push({ pointer: itemPointer, detail: 'expected {"series_key": n, "value": x}' });
      continue;
    }
    let seriesKey: unknown;
    let seriesKeyName: string | undefined;
    let value: unknown;
    let valueName: string | undefined;
    for (const prop in item) {
      if (prop === 'series_key' || prop === 'sk') {
        if (seriesKeyName !== undefined) {
          errors.push({ pointer: itemPointer, detail: 'give "series_key" (or "sk") once' });
        }
        seriesKeyName = prop;
        seriesKey = item[prop];
      } else if (prop === 'value' || prop === 'v') {
        if (valueName !== undefined) {
          errors.push({ pointer: itemPointer, detail: 'give "value" (or "v") once' });
        }
        valueName = prop;
        value = item[prop];
      } else {
        errors.push({
          pointer: `${itemPointer}/${escapePointer(prop)}`,
          detail: 'unknown property',
        });
      }
    }
    if (seriesKeyName === undefined) {
      errors.push({ pointer: itemPointer, detail: 'missing "series_key" (or "sk")' });
    } else if (
      typeof seriesKey !== 'number' ||
      !Number.isInteger(seriesKey) ||
      seriesKey < 1 ||
      seriesKey > MAX_SERIES_KEY
    ) {
      errors.push({
        pointer: `${itemPointer}/${seriesKeyName}`,
        detail: `a series key is an integer from 1 to ${MAX_SERIES_KEY}`,
      });
      seriesKeyName = undefined;
    } else if (seriesKey in values) {
      errors.push({
        pointer: `${itemPointer}/${seriesKeyName}`,
        detail: `series key ${seriesKey} appears more than once in this record`,
      });
    }
    if (valueName === undefined) {
      errors.push({ pointer: itemPointer, detail: 'missing "value" (or "v"); use null for a gap' });
    } else if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      errors.push({
        pointer: `${itemPointer}/${valueName}`,
        detail: 'a value is a finite number or null',
      });
    } else if (seriesKeyName !== undefined) {
      values[seriesKey as number] = value === 0 ? 0 : (value as number | null);
    }
  }
  return errors.length === before ? values : undefined;
}

/** RFC 6901: `~` and `/` in a property name are escaped inside a pointer. */
function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
