import type { BucketType, RecordKey } from './bucket-key.ts';
import { KeyError, normalizeKey } from './bucket-key.ts';
import { AppError, MAX_PROBLEM_ITEMS, type ProblemDetailItem } from './problems.ts';

export const MAX_RECORDS_PER_WRITE = 10_000;
export const MAX_SERIES_PER_RECORD = 100;
export const MAX_SERIES_KEY = 1000;
export const MAX_WRITE_BODY_BYTES = 5 * 1024 * 1024;

/** Series key → value; `null` is a known gap. Integer keys keep JSON output sorted by key. */
export type SeriesValues = Record<number, number | null>;

/** A validated, normalised record as the store receives it. */
export interface DataRecord {
  key: RecordKey;
  values: SeriesValues;
  /**
   * `values` as JSON text, when the parser already has it (parseRecordBatchText): a store that
   * keeps JSON stores it as is instead of serialising `values` again.
   */
  readonly json?: string;
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
export function parseRecordBatch(body: unknown, type: BucketType): DataRecord[] {
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
    const record = parseRecord(body[i], type, `/${i}`, errors);
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
    if (key instanceof KeyError)
      errors.push({ pointer: `${pointer}/${keyName}`, detail: key.detail });
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

/** A record from parseRecordBatchText: `values` is parsed from `json` only if someone asks. */
class ScannedRecord implements DataRecord {
  #values: SeriesValues | undefined;

  constructor(
    readonly key: RecordKey,
    readonly json: string,
  ) {}

  get values(): SeriesValues {
    this.#values ??= JSON.parse(this.json) as SeriesValues;
    return this.#values;
  }
}

/**
 * The hot path of ingestion: parses and validates the JSON text of a write in one pass, without
 * building the parsed tree, and keeps each record's series values as JSON text (numbers as the
 * client wrote them), so they need not be serialised again for storage.
 *
 * It accepts only well-formed batches in the documented shapes; for any body it accepts, the
 * records equal those of parseRecordBatch(JSON.parse(text), type). Anything else (a problem, an
 * escape in a string, a key written with an exponent) returns undefined: the caller then runs
 * JSON.parse and parseRecordBatch, which accept it or report exactly what is wrong.
 */
export function parseRecordBatchText(text: string, type: BucketType): DataRecord[] | undefined {
  let i = space(text, 0);
  if (text.charCodeAt(i) !== OPEN_ARRAY) return undefined;
  const records: DataRecord[] = [];
  do {
    if (records.length === MAX_RECORDS_PER_WRITE) return undefined;
    i = space(text, i + 1);
    if (text.charCodeAt(i) !== OPEN_OBJECT) return undefined;
    let key: RecordKey | undefined;
    let json: string | undefined;
    do {
      i = name(text, space(text, i + 1), 'k"', 'd"', 'key"', 'data"');
      if (i < 0) return undefined;
      if (found === 1 && key === undefined) {
        i = recordKey(text, i, type);
        if (i < 0) return undefined;
        key = scannedKey;
      } else if (found === 2 && json === undefined) {
        i = seriesValues(text, i);
        if (i < 0) return undefined;
        json = scannedJson;
      } else {
        return undefined;
      }
      i = space(text, i);
    } while (text.charCodeAt(i) === COMMA);
    if (text.charCodeAt(i) !== CLOSE_OBJECT || key === undefined || json === undefined) {
      return undefined;
    }
    records.push(new ScannedRecord(key, json));
    i = space(text, i + 1);
  } while (text.charCodeAt(i) === COMMA);
  if (text.charCodeAt(i) !== CLOSE_ARRAY || space(text, i + 1) !== text.length) return undefined;
  return records;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

// The scanning functions take the text and a position and return the position after what they
// read, or -1 when the generic path must decide. What they read goes to these variables.
let found = 0;
let scannedKey: RecordKey = 0;
let scannedJson = '';
let fraction = false;
let exponent = false;
let nonZero = false;

/** Which series keys the record being scanned has used: seenAt[sk] === stamp. */
const seenAt = new Uint32Array(MAX_SERIES_KEY + 1);
let stamp = 0;

function space(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  return i;
}

/**
 * A property name at i (without escapes) and its colon: `found` is 1 for `a` or `aLong`, 2 for
 * `b` or `bLong` (each given with its closing quote).
 */
function name(text: string, i: number, a: string, b: string, aLong: string, bLong: string) {
  if (text.charCodeAt(i) !== QUOTE) return -1;
  i++;
  // The length of the name read: positive for `a` or `aLong`, negative for `b` or `bLong`.
  const length = text.startsWith(a, i)
    ? a.length
    : text.startsWith(b, i)
      ? -b.length
      : text.startsWith(aLong, i)
        ? aLong.length
        : text.startsWith(bLong, i)
          ? -bLong.length
          : 0;
  if (length === 0) return -1;
  found = length > 0 ? 1 : 2;
  i = space(text, i + Math.abs(length));
  return text.charCodeAt(i) === COLON ? space(text, i + 1) : -1;
}

/** A record key, normalised for the bucket type: a string without escapes, or an integer. */
function recordKey(text: string, i: number, type: BucketType): number {
  const start = i;
  let raw: unknown;
  if (text.charCodeAt(i) === QUOTE) {
    for (let c = text.charCodeAt(++i); c !== QUOTE; c = text.charCodeAt(++i)) {
      // Escapes, control characters and the end of the text: JSON.parse decides.
      if (c === 0x5c || c < 0x20 || Number.isNaN(c)) return -1;
    }
    raw = text.slice(start + 1, i++);
  } else {
    // Integer literals only; 1.7e12 and the like take the generic path.
    i = number(text, i);
    if (i < 0 || fraction || exponent) return -1;
    const negative = text.charCodeAt(start) === MINUS;
    const digits = i - start - (negative ? 1 : 0);
    if (digits > 15) {
      raw = Number(text.slice(start, i));
    } else {
      let n = 0;
      for (let j = i - digits; j < i; j++) n = n * 10 + (text.charCodeAt(j) - ZERO);
      raw = negative ? -n : n;
    }
  }
  const key = normalizeKey(type, raw);
  if (key instanceof KeyError) return -1;
  scannedKey = key;
  return i;
}

/** A record's series values: `scannedJson` is their JSON text, as a SeriesValues object. */
function seriesValues(text: string, i: number): number {
  if (text.charCodeAt(i) !== OPEN_ARRAY) return -1;
  if (++stamp === 0xffffffff) {
    seenAt.fill(0);
    stamp = 1;
  }
  let json = '{';
  let count = 0;
  do {
    i = space(text, i + 1);
    if (count === MAX_SERIES_PER_RECORD || text.charCodeAt(i) !== OPEN_OBJECT) return -1;
    let seriesKey = -1;
    let value: string | undefined;
    do {
      i = name(text, space(text, i + 1), 'sk"', 'v"', 'series_key"', 'value"');
      if (i < 0) return -1;
      if (found === 1 && seriesKey === -1) {
        // An integer literal from 1 to MAX_SERIES_KEY; 1.0, 1e0 and 01 take the generic path.
        const start = i;
        let n = 0;
        for (let c = text.charCodeAt(i); c >= ZERO && c <= NINE; c = text.charCodeAt(++i)) {
          n = n * 10 + (c - ZERO);
        }
        const next = text.charCodeAt(i);
        if (i === start || i - start > 4 || text.charCodeAt(start) === ZERO) return -1;
        if (next === DOT || (next | 0x20) === 0x65 || n > MAX_SERIES_KEY) return -1;
        seriesKey = n;
      } else if (found === 2 && value === undefined) {
        const start = i;
        if (text.charCodeAt(i) === 0x6e && text.startsWith('null', i)) {
          value = 'null';
          i += 4;
        } else {
          i = number(text, i);
          if (i < 0) return -1;
          if (exponent || i - start > 300) {
            // Only these can overflow to Infinity or underflow to (negative) zero.
            const n = Number(text.slice(start, i));
            if (!Number.isFinite(n)) return -1;
            value = n === 0 ? '0' : text.slice(start, i);
          } else {
            // Negative zero is stored as 0, as parseRecordBatch does.
            value = nonZero ? text.slice(start, i) : '0';
          }
        }
      } else {
        return -1;
      }
      i = space(text, i);
    } while (text.charCodeAt(i) === COMMA);
    if (text.charCodeAt(i) !== CLOSE_OBJECT || seriesKey === -1 || value === undefined) return -1;
    if (seenAt[seriesKey] === stamp) return -1;
    seenAt[seriesKey] = stamp;
    json += `${count === 0 ? '"' : ',"'}${seriesKey}":${value}`;
    count++;
    i = space(text, i + 1);
  } while (text.charCodeAt(i) === COMMA);
  if (text.charCodeAt(i) !== CLOSE_ARRAY) return -1;
  scannedJson = `${json}}`;
  return i + 1;
}

/**
 * A JSON number literal at i (RFC 8259 grammar): returns its end, and sets `fraction`,
 * `exponent` and `nonZero` (a digit other than 0 before the exponent).
 */
function number(text: string, i: number): number {
  let c = text.charCodeAt(i);
  fraction = false;
  exponent = false;
  nonZero = false;
  if (c === MINUS) c = text.charCodeAt(++i);
  if (c === ZERO) {
    c = text.charCodeAt(++i);
  } else if (c > ZERO && c <= NINE) {
    nonZero = true;
    do c = text.charCodeAt(++i);
    while (c >= ZERO && c <= NINE);
  } else {
    return -1;
  }
  if (c === DOT) {
    fraction = true;
    c = text.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) return -1;
    do {
      if (c !== ZERO) nonZero = true;
      c = text.charCodeAt(++i);
    } while (c >= ZERO && c <= NINE);
  }
  if ((c | 0x20) === 0x65) {
    exponent = true;
    c = text.charCodeAt(++i);
    if (c === 0x2b || c === MINUS) c = text.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) return -1;
    do c = text.charCodeAt(++i);
    while (c >= ZERO && c <= NINE);
  }
  return i;
}
