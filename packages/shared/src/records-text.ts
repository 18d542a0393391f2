import { type BucketType, KeyError, normalizeKey, type RecordKey } from './bucket-key.ts';
import {
  type DataRecord,
  MAX_RECORDS_PER_WRITE,
  MAX_SERIES_KEY,
  MAX_SERIES_PER_RECORD,
  MILLISECOND_KEYS_FROM,
  type NumericKeyTally,
  type SeriesValues,
} from './records.ts';

/**
 * The series values of the records parsed from one request, in one place: record i's are the
 * entries recordStart[i] to recordStart[i + 1] of seriesKeys and numbers (a negative series
 * key: its value is null). The records refer to it instead of each holding a parsed object and
 * JSON text, garbage a batch of 1,000 records made a thousand times over (a profile showed the
 * collector at a quarter of the time; docs/performance.md).
 */
export class ParsedValues {
  constructor(
    readonly recordStart: Int32Array,
    readonly seriesKeys: Int16Array,
    readonly numbers: Float64Array,
  ) {}
}

/**
 * A record from parseRecordBatchText: `values` is built from its batch only if someone asks;
 * a chunk encoder reads the batch directly (chunks/codec.ts).
 */
export class ParsedRecord implements DataRecord {
  #values: SeriesValues | undefined;

  constructor(
    readonly key: RecordKey,
    readonly batch: ParsedValues,
    readonly index: number,
  ) {}

  get values(): SeriesValues {
    if (this.#values === undefined) {
      const { recordStart, seriesKeys, numbers } = this.batch;
      const values: SeriesValues = {};
      for (let e = recordStart[this.index]!; e < recordStart[this.index + 1]!; e++) {
        const sk = seriesKeys[e]!;
        if (sk < 0) values[-sk] = null;
        else values[sk] = numbers[e]!;
      }
      this.#values = values;
    }
    return this.#values;
  }

  /** How many series values the record has (nulls included). */
  get valueCount(): number {
    return this.batch.recordStart[this.index + 1]! - this.batch.recordStart[this.index]!;
  }
}

/**
 * The hot path of ingestion: parses and validates the JSON text of a write in one pass, without
 * building the parsed tree, keeping the series values of all records in one ParsedValues.
 *
 * It accepts only well-formed batches in the documented shapes; for any body it accepts, the
 * records equal those of parseRecordBatch(JSON.parse(text), type). Anything else (a problem, an
 * escape in a string, a key written with an exponent) returns undefined: the caller then runs
 * JSON.parse and parseRecordBatch, which accept it or report exactly what is wrong.
 */
export function parseRecordBatchText(
  text: string,
  type: BucketType,
  tally?: NumericKeyTally,
): DataRecord[] | undefined {
  let i = space(text, 0);
  if (text.charCodeAt(i) !== OPEN_ARRAY) return undefined;
  const keys: RecordKey[] = [];
  entries = 0;
  do {
    if (keys.length === MAX_RECORDS_PER_WRITE) return undefined;
    i = space(text, i + 1);
    if (text.charCodeAt(i) !== OPEN_OBJECT) return undefined;
    let key: RecordKey | undefined;
    let given = false;
    const first = entries;
    do {
      i = name(text, space(text, i + 1), 'k"', 'd"', 'key"', 'data"');
      if (i < 0) return undefined;
      if (found === 1 && key === undefined) {
        i = recordKey(text, i, type);
        if (i < 0) return undefined;
        key = scannedKey;
        if (tally !== undefined && scannedNumber) {
          tally.numeric++;
          if ((key as number) < MILLISECOND_KEYS_FROM) tally.before2001++;
        }
      } else if (found === 2 && !given) {
        i = seriesValues(text, i);
        if (i < 0) return undefined;
        given = true;
      } else {
        return undefined;
      }
      i = space(text, i);
    } while (text.charCodeAt(i) === COMMA);
    if (text.charCodeAt(i) !== CLOSE_OBJECT || key === undefined || !given) return undefined;
    if (keys.length + 1 >= starts.length) starts = grown(starts);
    starts[keys.length] = first;
    keys.push(key);
    i = space(text, i + 1);
  } while (text.charCodeAt(i) === COMMA);
  if (text.charCodeAt(i) !== CLOSE_ARRAY || space(text, i + 1) !== text.length) return undefined;
  starts[keys.length] = entries;
  const batch = new ParsedValues(
    starts.slice(0, keys.length + 1),
    entrySeries.slice(0, entries),
    entryNumbers.slice(0, entries),
  );
  return keys.map((key, index) => new ParsedRecord(key, batch, index));
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
/** Whether the key just scanned was written as a number (not a string). */
let scannedNumber = false;
/**
 * The series values scanned so far in this request (see ParsedValues), grown as needed and
 * kept: at most MAX_RECORDS_PER_WRITE × MAX_SERIES_PER_RECORD entries of 10 bytes, fewer than
 * half a million in the largest body the server reads.
 */
let entries = 0;
let starts = new Int32Array(1024);
let entrySeries = new Int16Array(4096);
let entryNumbers = new Float64Array(4096);
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
  scannedNumber = text.charCodeAt(i) !== QUOTE;
  if (!scannedNumber) {
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

/** A record's series values, added to the entries. */
function seriesValues(text: string, i: number): number {
  if (text.charCodeAt(i) !== OPEN_ARRAY) return -1;
  if (++stamp === 0xffffffff) {
    seenAt.fill(0);
    stamp = 1;
  }
  let count = 0;
  do {
    i = space(text, i + 1);
    if (count === MAX_SERIES_PER_RECORD || text.charCodeAt(i) !== OPEN_OBJECT) return -1;
    let seriesKey = -1;
    let value: number | null | undefined;
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
          value = null;
          i += 4;
        } else {
          i = number(text, i);
          if (i < 0) return -1;
          if (exponent || i - start > 300) {
            // Only these can overflow to Infinity or underflow to (negative) zero.
            const n = Number(text.slice(start, i));
            if (!Number.isFinite(n)) return -1;
            value = n === 0 ? 0 : n;
          } else {
            // Negative zero is stored as 0, as parseRecordBatch does.
            value = nonZero ? decimal(text, start, i) : 0;
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
    if (entries === entrySeries.length) {
      entrySeries = grown(entrySeries);
      entryNumbers = grown(entryNumbers);
    }
    entrySeries[entries] = value === null ? -seriesKey : seriesKey;
    entryNumbers[entries] = value ?? 0;
    entries++;
    count++;
    i = space(text, i + 1);
  } while (text.charCodeAt(i) === COMMA);
  if (text.charCodeAt(i) !== CLOSE_ARRAY) return -1;
  return i + 1;
}

/** Twice as long, with the same leading contents. */
function grown<T extends Int32Array | Int16Array | Float64Array>(array: T): T {
  const larger = new (array.constructor as new (length: number) => T)(array.length * 2);
  larger.set(array);
  return larger;
}

/**
 * The value of the number literal from start to end (no exponent): with at most 15
 * significant digits and 22 decimal places, mantissa / 10^places is exact in both and the
 * one rounding of the division is the correctly rounded value, as Number() gives; anything
 * longer is left to Number().
 */
function decimal(text: string, start: number, end: number): number {
  let mantissa = 0;
  let digits = 0;
  let places = -1;
  for (let j = text.charCodeAt(start) === MINUS ? start + 1 : start; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === DOT) {
      places = 0;
      continue;
    }
    mantissa = mantissa * 10 + (c - ZERO);
    if (mantissa !== 0) digits++;
    if (places >= 0) places++;
  }
  if (digits > 15 || places > 22) return Number(text.slice(start, end));
  const magnitude = places > 0 ? mantissa / POWERS_OF_TEN[places]! : mantissa;
  return text.charCodeAt(start) === MINUS ? -magnitude : magnitude;
}

/** 10^0 to 10^22, each exact (read from their literals). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, e) => Number(`1e${e}`));

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
