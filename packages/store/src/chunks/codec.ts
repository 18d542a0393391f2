import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateRawSync,
  inflateRawSync,
} from 'node:zlib';
import { ParsedRecord, type SeriesValues } from '@bucketgrid/shared';
import { ByteReader, ByteWriter, unzigzag, varintLength, zigzag } from './bytes.ts';
import { readXor, writeXor } from './xor.ts';

/**
 * A sealed chunk of a TSV or IV bucket: records in key order with distinct integer keys,
 * encoded column by column (docs/storage.md). Keys: delta-of-delta varints. Per series: which
 * records have it (a presence bitmap, left out when all do), which of those are null (a null
 * bitmap, left out when none is), then the non-null values in the smallest of: one constant,
 * decimal mantissas (value × 10^e as integers) as zigzag varints of their deltas or of their
 * deltas' deltas, or XOR float64. Keys and values are compressed apart, so a write can read
 * the keys alone. Lossless for every finite float64 and every safe-integer key.
 */

const FORMAT = 1;

export type Compression = 'none' | 'deflate' | 'brotli';
const COMPRESSION_TAG: Record<Compression, number> = { none: 0, deflate: 1, brotli: 2 };

const KEYS_DELTA_OF_DELTA = 0;
/** Keys spread over more than 2^52 (IV extremes): deltas would round, so each as a float64. */
const KEYS_RAW = 1;
const MAX_KEY_SPAN = 2 ** 52;

const SERIES_IN_EVERY_RECORD = 1;
const SERIES_HAS_NULLS = 2;

const VALUES_CONSTANT = 0;
const VALUES_DECIMAL_DELTA = 1;
const VALUES_DECIMAL_DELTA2 = 2;
const VALUES_XOR = 3;

/** Largest decimal exponent tried: 12 places covers every sensor and money figure seen. */
const MAX_EXPONENT = 12;
const POWERS = Array.from({ length: MAX_EXPONENT + 1 }, (_, e) => 10 ** e);
/** Mantissas stay within ±2^50 so their deltas' deltas (±2^52) zigzag exactly. */
const MAX_MANTISSA = 2 ** 50;

/** A chunk's content, column by column: values[s][i] is series `series[s]` in record i. */
export interface ChunkColumns {
  keys: number[];
  /** Series keys, ascending. */
  series: number[];
  /** Per series, per record: the value, null (a known gap) or undefined (not there; a hole). */
  values: (number | null | undefined)[][];
}

export function columnsFromRecords(
  records: readonly { key: number; values: SeriesValues }[],
): ChunkColumns {
  // Series keys are small integers (1–1000): a sparse array indexes them faster than a Map.
  const bySeries: (number | null | undefined)[][] = [];
  const column = (sk: number) => {
    let values = bySeries[sk];
    if (values === undefined) {
      // Holes for the records without the series (they read as undefined): an array of holes
      // and numbers keeps its numbers unboxed, where one filled with undefined allocates a
      // heap number for each (docs/performance.md, "Ingestion without per-record garbage").
      values = new Array(records.length);
      bySeries[sk] = values;
    }
    return values;
  };
  const keys = new Array<number>(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    keys[i] = record.key;
    if (record instanceof ParsedRecord) {
      // Straight from the request's batch: no values object is built.
      const { recordStart, seriesKeys, numbers } = record.batch;
      for (let e = recordStart[record.index]!; e < recordStart[record.index + 1]!; e++) {
        const sk = seriesKeys[e]!;
        if (sk < 0) column(-sk)[i] = null;
        else column(sk)[i] = numbers[e]!;
      }
      continue;
    }
    const { values } = record;
    for (const name in values) column(+name)[i] = values[+name];
  }
  // forEach visits only the indexes that were set: the series present, in ascending order.
  const series: number[] = [];
  bySeries.forEach((_, sk) => {
    series.push(sk);
  });
  return { keys, series, values: series.map((sk) => bySeries[sk]!) };
}

/**
 * Records [start, end) of `columns` (holes kept): a chunk cut from a write's columns. A series
 * with no record in the piece is left out, as columnsFromRecords would.
 */
export function sliceColumns(columns: ChunkColumns, start: number, end = columns.keys.length) {
  if (start === 0 && end === columns.keys.length) return columns;
  const series: number[] = [];
  const values: (number | null | undefined)[][] = [];
  columns.values.forEach((column, s) => {
    const piece = column.slice(start, end);
    // some() skips holes: true when any record of the piece has the series.
    if (piece.some(() => true)) {
      series.push(columns.series[s]!);
      values.push(piece);
    }
  });
  return { keys: columns.keys.slice(start, end), series, values };
}

/** Columns of consecutive runs of records (in key order), as one. */
export function concatColumns(parts: readonly ChunkColumns[]): ChunkColumns {
  if (parts.length === 1) return parts[0]!;
  // Array concat, not flatMap or a loop per value: 1,500 records × 4 series took 143 µs that
  // way against a few µs (docs/performance.md, "Raw chunks remembered as columns").
  const keys = ([] as number[]).concat(...parts.map((part) => part.keys));
  const series = [...new Set(parts.flatMap((part) => part.series))].sort((a, b) => a - b);
  const values = series.map((sk) =>
    // A part without the series gives holes (an array of its length with nothing set).
    ([] as (number | null | undefined)[]).concat(
      ...parts.map((part) => {
        const s = part.series.indexOf(sk);
        return s < 0 ? new Array<undefined>(part.keys.length) : part.values[s]!;
      }),
    ),
  );
  return { keys, series, values };
}

export function recordsFromColumns({ keys, series, values }: ChunkColumns) {
  return keys.map((key, i) => {
    const record: SeriesValues = {};
    series.forEach((sk, s) => {
      const value = values[s]![i];
      if (value !== undefined) record[sk] = value;
    });
    return { key, values: record };
  });
}

/** A chunk as stored: its keys and its series, each compressed on its own. */
export interface EncodedChunk {
  /** Read alone to tell an insert from an update (a late write), without the values. */
  keys: Buffer;
  data: Buffer;
}

export function encodeChunk(
  columns: ChunkColumns,
  compression: Compression = 'deflate',
): EncodedChunk {
  const keys = new ByteWriter(columns.keys.length + 16);
  keys.byte(FORMAT);
  writeKeys(keys, columns.keys);
  // About two bytes a value (it grows when needed): a fixed 4 KiB, zeroed each time, cost a
  // one-record raw chunk more than the rest of its encoding.
  const data = new ByteWriter(16 + columns.keys.length * (2 + 2 * columns.series.length));
  data.byte(FORMAT);
  data.varint(columns.keys.length);
  data.varint(columns.series.length);
  columns.series.forEach((sk, s) => {
    data.varint(sk);
    writeSeries(data, columns.values[s]!);
  });
  return { keys: compress(keys.finish(), compression), data: compress(data.finish(), compression) };
}

export function decodeKeys(keys: Uint8Array): number[] {
  const input = formatted(decompress(keys));
  return readKeys(input);
}

export function decodeChunk(chunk: EncodedChunk): ChunkColumns {
  const keys = decodeKeys(chunk.keys);
  const input = formatted(decompress(chunk.data));
  const count = input.varint();
  if (count !== keys.length) throw new RangeError('chunk keys and values disagree');
  const seriesCount = input.varint();
  const series: number[] = [];
  const values: (number | null | undefined)[][] = [];
  for (let s = 0; s < seriesCount; s++) {
    series.push(input.varint());
    values.push(readSeries(input, count));
  }
  return { keys, series, values };
}

function compress(payload: Uint8Array, compression: Compression): Buffer {
  const body =
    compression === 'deflate'
      ? deflateRawSync(payload)
      : compression === 'brotli'
        ? brotliCompressSync(payload, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 5,
              [constants.BROTLI_PARAM_SIZE_HINT]: payload.length,
            },
          })
        : payload;
  const blob = Buffer.allocUnsafe(body.length + 1);
  blob[0] = COMPRESSION_TAG[compression];
  blob.set(body, 1);
  return blob;
}

function decompress(blob: Uint8Array): Uint8Array {
  const body = blob.subarray(1);
  if (blob[0] === COMPRESSION_TAG.deflate) return inflateRawSync(body);
  if (blob[0] === COMPRESSION_TAG.brotli) return brotliDecompressSync(body);
  if (blob[0] === COMPRESSION_TAG.none) return body;
  throw new RangeError(`unknown chunk compression ${blob[0]}`);
}

/** A reader past the format byte, which it checks. */
function formatted(payload: Uint8Array): ByteReader {
  const input = new ByteReader(payload);
  const format = input.byte();
  if (format !== FORMAT) throw new RangeError(`unknown chunk format ${format}`);
  return input;
}

function writeKeys(out: ByteWriter, keys: readonly number[]): void {
  out.varint(keys.length);
  if (keys.length === 0) return;
  const first = keys[0]!;
  const last = keys[keys.length - 1]!;
  if (last - first > MAX_KEY_SPAN) {
    out.byte(KEYS_RAW);
    for (const key of keys) out.float64(key);
    return;
  }
  out.byte(KEYS_DELTA_OF_DELTA);
  out.float64(first);
  let previous = first;
  let previousDelta = 0;
  for (let i = 1; i < keys.length; i++) {
    const delta = keys[i]! - previous;
    out.varint(zigzag(delta - previousDelta));
    previous = keys[i]!;
    previousDelta = delta;
  }
}

function readKeys(input: ByteReader): number[] {
  const count = input.varint();
  const keys = new Array<number>(count);
  if (count === 0) return keys;
  if (input.byte() === KEYS_RAW) {
    for (let i = 0; i < count; i++) keys[i] = input.float64();
    return keys;
  }
  let key = input.float64();
  let delta = 0;
  keys[0] = key;
  for (let i = 1; i < count; i++) {
    delta += unzigzag(input.varint());
    key += delta;
    keys[i] = key;
  }
  return keys;
}

function readBitmap(input: ByteReader, count: number): Uint8Array {
  return input.raw((count + 7) >> 3);
}

const bitAt = (bitmap: Uint8Array, i: number) => (bitmap[i >> 3]! & (1 << (i & 7))) !== 0;

function writeSeries(out: ByteWriter, column: readonly (number | null | undefined)[]): void {
  // One pass: the bitmaps are filled as if needed and written only when they say something.
  const presence = new Uint8Array((column.length + 7) >> 3);
  const nulls = new Uint8Array((column.length + 7) >> 3);
  const numbers: number[] = [];
  let given = 0;
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    if (value === undefined) continue;
    presence[i >> 3]! |= 1 << (i & 7);
    if (value === null) nulls[given >> 3]! |= 1 << (given & 7);
    else numbers.push(value);
    given++;
  }
  const inEvery = given === column.length;
  const hasNulls = numbers.length < given;
  out.byte((inEvery ? SERIES_IN_EVERY_RECORD : 0) | (hasNulls ? SERIES_HAS_NULLS : 0));
  if (!inEvery) out.raw(presence);
  if (hasNulls) out.raw(nulls.subarray(0, (given + 7) >> 3));
  writeValues(out, numbers);
}

function readSeries(input: ByteReader, count: number): (number | null | undefined)[] {
  const flags = input.byte();
  const presence = (flags & SERIES_IN_EVERY_RECORD) === 0 ? readBitmap(input, count) : undefined;
  let given = count;
  if (presence !== undefined) {
    given = 0;
    for (let i = 0; i < count; i++) if (bitAt(presence, i)) given++;
  }
  const nulls = (flags & SERIES_HAS_NULLS) !== 0 ? readBitmap(input, given) : undefined;
  let numbers = given;
  if (nulls !== undefined) for (let i = 0; i < given; i++) if (bitAt(nulls, i)) numbers--;
  const values: number[] = [];
  readValues(input, numbers, values);
  const column = new Array<number | null | undefined>(count);
  for (let i = 0, g = 0, v = 0; i < count; i++) {
    if (presence !== undefined && !bitAt(presence, i)) {
      column[i] = undefined;
      continue;
    }
    column[i] = nulls !== undefined && bitAt(nulls, g) ? null : values[v++]!;
    g++;
  }
  return column;
}

/** The mantissas decimalExponent found, one per value (reused). */
const mantissas: number[] = [];

/**
 * The smallest exponent e with every value exactly mantissa / 10^e, the mantissas left in
 * `mantissas`; undefined when none. Each value is checked once at the exponent reached so
 * far; only those before the last raise are checked again at the final one.
 */
function decimalExponent(values: readonly number[]): number | undefined {
  mantissas.length = values.length;
  let exponent = 0;
  let raisedAt = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    let mantissa = mantissaAt(value, exponent);
    while (mantissa === undefined) {
      if (++exponent > MAX_EXPONENT) return undefined;
      raisedAt = i;
      mantissa = mantissaAt(value, exponent);
    }
    mantissas[i] = mantissa;
  }
  // A larger exponent chosen for a later value must still fit the earlier ones.
  for (let i = 0; i < raisedAt; i++) {
    const mantissa = mantissaAt(values[i]!, exponent);
    if (mantissa === undefined) return undefined;
    mantissas[i] = mantissa;
  }
  return exponent;
}

/** round(value × 10^exponent) when it is at most MAX_MANTISSA and gives the value back. */
function mantissaAt(value: number, exponent: number): number | undefined {
  const mantissa = Math.round(value * POWERS[exponent]!);
  return Math.abs(mantissa) <= MAX_MANTISSA && Object.is(mantissa / POWERS[exponent]!, value)
    ? mantissa
    : undefined;
}

function writeValues(out: ByteWriter, values: readonly number[]): void {
  if (values.length === 0) return;
  const first = values[0]!;
  if (values.every((value) => Object.is(value, first))) {
    out.byte(VALUES_CONSTANT);
    out.float64(first);
    return;
  }
  const exponent = decimalExponent(values);
  if (exponent !== undefined) {
    let deltaBytes = 0;
    let delta2Bytes = 0;
    for (let i = 1; i < mantissas.length; i++) {
      const delta = mantissas[i]! - mantissas[i - 1]!;
      deltaBytes += varintLength(zigzag(delta));
      if (i > 1)
        delta2Bytes += varintLength(zigzag(delta - (mantissas[i - 1]! - mantissas[i - 2]!)));
    }
    const decimalBytes = Math.min(deltaBytes, delta2Bytes);
    // Two bytes a value or less: XOR (a bit for an unchanged value, 2+ bytes for a changed
    // one) could not do much better, so it is not even tried.
    if (decimalBytes <= 2 * values.length || decimalBytes < xorLength(values)) {
      const secondOrder = delta2Bytes < deltaBytes;
      out.byte(secondOrder ? VALUES_DECIMAL_DELTA2 : VALUES_DECIMAL_DELTA);
      out.byte(exponent);
      out.varint(zigzag(mantissas[0]!));
      if (secondOrder && mantissas.length > 1) out.varint(zigzag(mantissas[1]! - mantissas[0]!));
      for (let i = secondOrder ? 2 : 1; i < mantissas.length; i++) {
        const delta = mantissas[i]! - mantissas[i - 1]!;
        out.varint(zigzag(secondOrder ? delta - (mantissas[i - 1]! - mantissas[i - 2]!) : delta));
      }
      return;
    }
  }
  out.byte(VALUES_XOR);
  writeXor(out, values);
}

function xorLength(values: readonly number[]): number {
  const scratch = new ByteWriter(values.length * 8);
  writeXor(scratch, values);
  return scratch.length;
}

function readValues(input: ByteReader, count: number, into: number[]): void {
  if (count === 0) return;
  const mode = input.byte();
  if (mode === VALUES_CONSTANT) {
    const value = input.float64();
    for (let i = 0; i < count; i++) into.push(value);
  } else if (mode === VALUES_XOR) {
    readXor(input, count, into);
  } else if (mode === VALUES_DECIMAL_DELTA || mode === VALUES_DECIMAL_DELTA2) {
    const scale = POWERS[input.byte()]!;
    let mantissa = unzigzag(input.varint());
    into.push(mantissa / scale);
    let delta = 0;
    let i = 1;
    if (mode === VALUES_DECIMAL_DELTA2 && count > 1) {
      delta = unzigzag(input.varint());
      mantissa += delta;
      into.push(mantissa / scale);
      i = 2;
    }
    for (; i < count; i++) {
      if (mode === VALUES_DECIMAL_DELTA2) delta += unzigzag(input.varint());
      else delta = unzigzag(input.varint());
      mantissa += delta;
      into.push(mantissa / scale);
    }
  } else {
    throw new RangeError(`unknown value encoding ${mode}`);
  }
}
