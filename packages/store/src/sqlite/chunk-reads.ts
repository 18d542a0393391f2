import type { DataRecord, SeriesValues } from '@bucketgrid/shared';
import {
  type ChunkColumns,
  columnsFromRecords,
  decodeChunk,
  decodeKeys,
  type EncodedChunk,
  recordsFromColumns,
  sliceColumns,
} from '../chunks/codec.ts';
import { firstKeyAtLeast } from '../chunks/cut.ts';
import { FIGURES_BYTES, readFigures } from '../chunks/figures.ts';
import type { GroupFolder } from '../downsample/fold.ts';
import { cellStart } from '../downsample/tiers.ts';
import type { SqliteDb } from './connection.ts';

/*
 * The read side of sealed chunks (docs/storage.md, "Reads"), as functions of a connection so
 * the reader threads run them on their own. A TSV or IV bucket's records are its chunks (keys
 * up to `buckets.sealed_through`) followed by its rows in `records` (every key above): so a
 * read in key order takes the chunks, then the rows. Late writes into the chunks' range are
 * rows of `series_late` until upkeep folds them in: every read of the chunks merges them.
 */

type Sql = Pick<SqliteDb, 'sql'>['sql'];

/** A chunk row without its blobs: enough to place it, count it and fold its figures. */
export interface ChunkMeta {
  id: number;
  first: number;
  last: number;
  count: number;
  /** 1: not sealed yet, without figures: its records as JSON text, or encoded uncompressed. */
  raw: number;
  /** Leading records retention dropped: its figures no longer hold. */
  skip: number;
  /** Random per chunk written (see schema.ts): with the id, names its contents. */
  stamp: number;
}

/** A decoded chunk: its keys in order, its columns and its records, each once asked for. */
interface Decoded {
  stamp: number;
  keys: number[];
  /** Its columns (decoded, or written from): what a fold per interval and the writes read. */
  columns: ChunkColumns | undefined;
  /** Its records (a text chunk's parsed; any other's built from its columns when asked). */
  records: DataRecord[] | undefined;
}

/**
 * Decoded chunks by id, per thread, each with its stamp: an id can be handed out again (a
 * deleted chunk's, a rolled-back job's), a stamp (53 random bits per chunk written)
 * practically never, so a hit is only taken when both match. Upkeep recomputing the
 * 10-second cells of a sealed range decodes each chunk once instead of once per cell, and a
 * read of the newest records parses the raw chunk it last parsed no more.
 */
const decodedById = new Map<number, Decoded>();
/** Records the cache holds at most (about 200 bytes each with four series). */
const DECODED_RECORDS = 65_536;
let decodedRecords = 0;
const LOWEST = Number.NEGATIVE_INFINITY;
const HIGHEST = Number.POSITIVE_INFINITY;

/** A raw chunk's text: `[[key, {series: value}], …]` in key order. */
export function rawRecords(text: string): DataRecord[] {
  return (JSON.parse(text) as [number, DataRecord['values']][]).map(([key, values]) => ({
    key,
    values,
  }));
}

interface Place {
  raw: number;
  skip: number;
  stamp: number;
}

function placeOf(sql: Sql, id: number): Place {
  const place = sql('SELECT raw, skip, stamp FROM series_chunks WHERE id = ?').get(id) as
    | Place
    | undefined;
  if (place === undefined) throw new Error(`chunk ${id} vanished inside its transaction`);
  return place;
}

function remember(id: number, entry: Decoded): void {
  const old = decodedById.get(id);
  if (old !== undefined) decodedRecords -= old.keys.length;
  decodedById.delete(id);
  decodedById.set(id, entry);
  decodedRecords += entry.keys.length;
  for (const [oldest, { keys }] of decodedById) {
    if (decodedRecords <= DECODED_RECORDS || oldest === id) break;
    decodedById.delete(oldest);
    decodedRecords -= keys.length;
  }
}

/**
 * A raw chunk just written, remembered by the columns it was written from: encoding it
 * (upkeep, or the next write past the head's bound) then parses nothing from the database
 * and builds no record object; a read of the newest records builds them once, when it asks.
 * The columns must never be changed afterwards.
 */
export function rememberRaw(id: number, stamp: number, columns: ChunkColumns): void {
  remember(id, { stamp, keys: columns.keys, columns, records: undefined });
}

/** Chunks just deleted: their entries would only hold memory until the cache evicts them. */
export function forgetDecoded(ids: readonly number[]): void {
  for (const id of ids) {
    const entry = decodedById.get(id);
    if (entry === undefined) continue;
    decodedById.delete(id);
    decodedRecords -= entry.keys.length;
  }
}

function cached(id: number, stamp: number): Decoded | undefined {
  const hit = decodedById.get(id);
  if (hit === undefined || hit.stamp !== stamp) return undefined;
  decodedById.delete(id);
  decodedById.set(id, hit);
  return hit;
}

/** The whole chunk, retention's skipped records included: from the cache, or decoded. */
function decodedWhole(sql: Sql, id: number, place: Place): Decoded {
  const hit = cached(id, place.stamp);
  if (hit !== undefined) return hit;
  const row = sql('SELECT keys, data FROM series_chunks WHERE id = ?').get(id) as {
    keys: Buffer;
    data: Buffer | string;
  };
  let entry: Decoded;
  if (typeof row.data === 'string') {
    // A raw chunk of a few records (chunk-writes.ts, insertRaw), or one written before raw
    // chunks were encoded: JSON text.
    const records = rawRecords(row.data);
    const keys = records.map((record) => record.key as number);
    entry = { stamp: place.stamp, keys, columns: undefined, records };
  } else {
    const columns = decodeChunk(row as EncodedChunk);
    entry = { stamp: place.stamp, keys: columns.keys, columns, records: undefined };
  }
  remember(id, entry);
  return entry;
}

/**
 * Keys columns decoded alone, by id and stamp like decodedById: a late write looks up whether
 * a chunk holds its key, and a backfill's keys land all over the history.
 */
const keysById = new Map<number, { stamp: number; keys: number[] }>();
const KEYS_KEPT = 256;

/**
 * The chunk's keys in order (past those retention dropped): from the cache, or an encoded
 * chunk's keys column alone (retention and counts need no values).
 */
export function chunkKeys(sql: Sql, id: number): number[] {
  const place = placeOf(sql, id);
  let keys = cached(id, place.stamp)?.keys;
  if (keys === undefined && place.raw === 1) keys = decodedWhole(sql, id, place).keys;
  if (keys === undefined) {
    const hit = keysById.get(id);
    if (hit !== undefined && hit.stamp === place.stamp) keys = hit.keys;
  }
  if (keys === undefined) {
    keys = decodeKeys(sql('SELECT keys FROM series_chunks WHERE id = ?').pluck().get(id) as Buffer);
    keysById.set(id, { stamp: place.stamp, keys });
    if (keysById.size > KEYS_KEPT) keysById.delete(keysById.keys().next().value!);
  }
  return place.skip === 0 ? keys : keys.slice(place.skip);
}

/** A late write's row of `series_late` (see schema.ts): the values to apply to a sealed key. */
export interface LateRecord {
  key: number;
  /** The values' JSON text, parsed when applied. */
  vals: string;
  /** 1: replaces the chunk's record; 0: merges into it. */
  replace: number;
  /** 1: no chunk holds the key. */
  fresh: number;
}

/** The bucket's late rows with keys in [from, to], in the order asked. */
export function lateRecords(
  sql: Sql,
  bucket: number,
  from = LOWEST,
  to = HIGHEST,
  order: 'asc' | 'desc' = 'asc',
): LateRecord[] {
  return sql(
    `SELECT key, vals, replace, fresh FROM series_late WHERE bucket = ? AND key >= ? AND key <= ?
     ORDER BY key ${order === 'asc' ? 'ASC' : 'DESC'}`,
  ).all(bucket, from, to) as LateRecord[];
}

/** A sealed record with its late write applied (`stored` undefined: the key is new). */
export function withLate(stored: SeriesValues | undefined, late: LateRecord): SeriesValues {
  const values = JSON.parse(late.vals) as SeriesValues;
  return stored === undefined || late.replace === 1 ? values : { ...stored, ...values };
}

/**
 * Records in key order (or its reverse, `order`) with the late rows of the same range
 * merged in: a late key a record has changes it, any other is a record of its own.
 */
function* mergeLate(
  records: Iterable<DataRecord>,
  late: readonly LateRecord[],
  order: 'asc' | 'desc',
): Generator<DataRecord> {
  const sign = order === 'asc' ? 1 : -1;
  let next = 0;
  for (const record of records) {
    const key = record.key as number;
    while (next < late.length && (late[next]!.key - key) * sign < 0) {
      const alone = late[next++]!;
      yield { key: alone.key, values: withLate(undefined, alone) };
    }
    if (next < late.length && late[next]!.key === key) {
      yield { key, values: withLate(record.values, late[next++]!) };
    } else yield record;
  }
  for (; next < late.length; next++) {
    yield { key: late[next]!.key, values: withLate(undefined, late[next]!) };
  }
}

/** The chunk's columns, past the records retention dropped. Never change them. */
export function chunkColumns(sql: Sql, id: number): ChunkColumns {
  const place = placeOf(sql, id);
  const entry = decodedWhole(sql, id, place);
  entry.columns ??= columnsFromRecords(entry.records as { key: number; values: SeriesValues }[]);
  return place.skip === 0 ? entry.columns : sliceColumns(entry.columns, place.skip);
}

/** The chunk's records in key order, past those retention dropped. Never change them. */
export function chunkRecords(sql: Sql, id: number): DataRecord[] {
  const place = placeOf(sql, id);
  const entry = decodedWhole(sql, id, place);
  entry.records ??= recordsFromColumns(entry.columns!);
  return place.skip === 0 ? entry.records : entry.records.slice(place.skip);
}

/**
 * The bucket's chunks that hold keys in [from, to], in key order or its reverse: from the one
 * starting at or before `from` (chunks never overlap) through the last starting by `to`.
 */
export function chunksOverlapping(
  sql: Sql,
  bucket: number,
  from = LOWEST,
  to = HIGHEST,
  order: 'asc' | 'desc' = 'asc',
): ChunkMeta[] {
  return sql(
    `SELECT id, first_key AS first, last_key AS last, count, raw, skip, stamp FROM series_chunks
     WHERE bucket = @bucket AND first_key <= @to AND last_key >= @from
       AND first_key >= coalesce((SELECT first_key FROM series_chunks
         WHERE bucket = @bucket AND first_key <= @from ORDER BY first_key DESC LIMIT 1), @from)
     ORDER BY first_key ${order === 'asc' ? 'ASC' : 'DESC'}`,
  ).all({ bucket, from, to }) as ChunkMeta[];
}

/**
 * Figures blobs by id and stamp, per thread, like decodedById (a blob never changes under its
 * stamp): a row's figures come after its data, whose overflow pages SQLite walks to reach
 * them — 8 ms for the 556 chunks of a million records, against 0.7 ms for the columns before
 * the data —, and a whole-range read folds every chunk's.
 */
const figuresById = new Map<number, { stamp: number; figures: Buffer }>();
/** Bytes of figures the cache holds at most (192 per chunk of four series). */
const FIGURES_KEPT_BYTES = 4 * 1024 * 1024;
let figuresKeptBytes = 0;

/** A chunk's figures just written (by the write that encoded it), for the reads that follow. */
export function rememberFigures(id: number, stamp: number, figures: Buffer): void {
  const old = figuresById.get(id);
  if (old !== undefined) figuresKeptBytes -= old.figures.byteLength;
  figuresById.delete(id);
  figuresById.set(id, { stamp, figures });
  figuresKeptBytes += figures.byteLength;
  for (const [oldest, entry] of figuresById) {
    if (figuresKeptBytes <= FIGURES_KEPT_BYTES || oldest === id) break;
    figuresById.delete(oldest);
    figuresKeptBytes -= entry.figures.byteLength;
  }
}

function figuresOf(sql: Sql, chunk: ChunkMeta): Buffer {
  const hit = figuresById.get(chunk.id);
  if (hit !== undefined && hit.stamp === chunk.stamp) return hit.figures;
  const figures = sql('SELECT figures FROM series_chunks WHERE id = ?')
    .pluck()
    .get(chunk.id) as Buffer;
  rememberFigures(chunk.id, chunk.stamp, figures);
  return figures;
}

/** The first index of `records` whose key is at least `bound`. */
function firstAtLeast(records: readonly DataRecord[], bound: number): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((records[middle]!.key as number) < bound) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The sealed records with keys in [from, to], in the order asked, one chunk decoded at a
 * time, late writes merged in.
 */
export function sealedRecords(
  sql: Sql,
  bucket: number,
  from = LOWEST,
  to = HIGHEST,
  order: 'asc' | 'desc' = 'asc',
): Iterable<DataRecord> {
  const late = lateRecords(sql, bucket, from, to, order);
  const chunks = chunkedRecords(sql, bucket, from, to, order);
  return late.length === 0 ? chunks : mergeLate(chunks, late, order);
}

function* chunkedRecords(
  sql: Sql,
  bucket: number,
  from: number,
  to: number,
  order: 'asc' | 'desc',
): Generator<DataRecord> {
  for (const chunk of chunksOverlapping(sql, bucket, from, to, order)) {
    const records = chunkRecords(sql, chunk.id);
    const start = firstAtLeast(records, from);
    const end = firstAtLeast(records, to + 1);
    if (order === 'asc') for (let i = start; i < end; i++) yield records[i]!;
    else for (let i = end - 1; i >= start; i--) yield records[i]!;
  }
}

/**
 * How many sealed records have keys in [from, to], counting no further than `limit`; with
 * `interval`, how many a fold per interval reads: a chunk it takes by its figures (see
 * foldSealed) counts once.
 */
export function countSealed(
  sql: Sql,
  bucket: number,
  from: number,
  to: number,
  limit: number,
  interval?: number,
) {
  const late = lateRecords(sql, bucket, from, to);
  let total = 0;
  for (const row of late) total += row.fresh;
  let next = 0;
  for (const chunk of chunksOverlapping(sql, bucket, from, to)) {
    while (next < late.length && late[next]!.key < chunk.first) next++;
    const changed = next < late.length && late[next]!.key <= chunk.last;
    if (interval !== undefined && !changed && byFigures(chunk, from, to, interval)) total += 1;
    else if (chunk.first >= from && chunk.last <= to) total += chunk.count;
    else {
      for (const key of chunkKeys(sql, chunk.id)) if (key >= from && key <= to) total++;
    }
    if (total >= limit) break;
  }
  return total;
}

/** The first and last sealed keys of the bucket (chunks and late rows); null when none. */
export function sealedBounds(sql: Sql, bucket: number): { first: number; last: number } | null {
  const row = sql(
    `SELECT (SELECT first_key FROM series_chunks WHERE bucket = @bucket ORDER BY first_key LIMIT 1) AS first,
       (SELECT last_key FROM series_chunks WHERE bucket = @bucket ORDER BY first_key DESC LIMIT 1) AS last,
       (SELECT key FROM series_late WHERE bucket = @bucket ORDER BY key LIMIT 1) AS lateFirst,
       (SELECT key FROM series_late WHERE bucket = @bucket ORDER BY key DESC LIMIT 1) AS lateLast`,
  ).get({ bucket }) as {
    first: number | null;
    last: number | null;
    lateFirst: number | null;
    lateLast: number | null;
  };
  if (row.lateFirst === null)
    return row.first === null ? null : { first: row.first, last: row.last! };
  if (row.first === null) return { first: row.lateFirst, last: row.lateLast! };
  return {
    first: Math.min(row.first, row.lateFirst),
    last: Math.max(row.last!, row.lateLast!),
  };
}

/**
 * Folds the sealed records with keys in [from, to] into `folder`, in key order: a chunk lying
 * wholly inside the range and inside one interval, with no late write in its range, by its
 * figures (sealed chunks are the first downsampling tier), any other decoded and merged with
 * its late writes.
 */
export function foldSealed(
  sql: Sql,
  bucket: number,
  from: number,
  to: number,
  interval: number,
  folder: GroupFolder,
): void {
  const late = lateRecords(sql, bucket, from, to);
  let next = 0;
  const fold = (record: DataRecord) => folder.addValues(record.key as number, record.values);
  for (const chunk of chunksOverlapping(sql, bucket, from, to)) {
    for (; next < late.length && late[next]!.key < chunk.first; next++) {
      folder.addValues(late[next]!.key, withLate(undefined, late[next]!));
    }
    let end = next;
    while (end < late.length && late[end]!.key <= chunk.last) end++;
    if (end === next && byFigures(chunk, from, to, interval)) {
      folder.addCell(chunk.first, chunk.count);
      foldFigures(folder, figuresOf(sql, chunk));
      continue;
    }
    const { columns } = decodedWhole(sql, chunk.id, chunk);
    if (end === next && columns !== undefined) {
      // Column by column, no record objects (past the records retention dropped).
      const { keys } = columns;
      const first = Math.max(chunk.skip, firstKeyAtLeast(keys, from));
      folder.addColumns(keys, columns.series, columns.values, first, firstKeyAtLeast(keys, to + 1));
      continue;
    }
    const records = chunkRecords(sql, chunk.id);
    const inRange = records.slice(firstAtLeast(records, from), firstAtLeast(records, to + 1));
    if (end === next) inRange.forEach(fold);
    else for (const record of mergeLate(inRange, late.slice(next, end), 'asc')) fold(record);
    next = end;
  }
  for (; next < late.length; next++) {
    folder.addValues(late[next]!.key, withLate(undefined, late[next]!));
  }
}

/**
 * Whether a fold of [from, to] per interval takes the chunk by its figures: an encoded chunk
 * with none of its records skipped, inside the range and inside one interval.
 */
function byFigures(chunk: ChunkMeta, from: number, to: number, interval: number): boolean {
  return (
    chunk.raw === 0 &&
    chunk.skip === 0 &&
    chunk.first >= from &&
    chunk.last <= to &&
    cellStart(chunk.first, interval) === cellStart(chunk.last, interval)
  );
}

/**
 * Adds each series of a figures blob (../chunks/figures.ts: a negative count marks a scaled
 * sum) to the folder. Read in place: a whole-range read folds thousands of them.
 */
export function foldFigures(folder: GroupFolder, blob: Buffer): void {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let at = 0; at < blob.byteLength; at += FIGURES_BYTES) {
    const n = view.getFloat64(at + 8, true);
    folder.addFigures(
      view.getFloat64(at, true),
      Math.abs(n),
      view.getFloat64(at + 16, true),
      n < 0,
      view.getFloat64(at + 24, true),
      view.getFloat64(at + 32, true),
      view.getFloat64(at + 40, true),
    );
  }
}

/**
 * Adds each series' non-null count in the latest chunks to `counts` (from their figures, or
 * the records of a raw chunk or one retention cut), reading at most `chunks`; returns how
 * many it read.
 */
export function countSealedSeries(
  sql: Sql,
  bucket: number,
  chunks: number,
  counts: Map<number, number>,
): number {
  // Late inserts first, as records (a late change of a chunk's record is counted in its chunk).
  const late = sql(
    'SELECT vals FROM series_late WHERE bucket = ? AND fresh = 1 ORDER BY key DESC LIMIT ?',
  )
    .pluck()
    .all(bucket, chunks) as string[];
  for (const vals of late) {
    const values = JSON.parse(vals) as SeriesValues;
    for (const name in values) {
      if (values[Number(name)] === null) continue;
      counts.set(Number(name), (counts.get(Number(name)) ?? 0) + 1);
    }
  }
  const rows = sql(
    'SELECT id, raw, skip, figures FROM series_chunks WHERE bucket = ? ORDER BY first_key DESC LIMIT ?',
  ).all(bucket, chunks - late.length) as {
    id: number;
    raw: number;
    skip: number;
    figures: Buffer;
  }[];
  for (const { id, raw, skip, figures } of rows) {
    if (raw === 1 || skip > 0) {
      for (const { values } of chunkRecords(sql, id)) {
        for (const name in values) {
          if (values[Number(name)] === null) continue;
          counts.set(Number(name), (counts.get(Number(name)) ?? 0) + 1);
        }
      }
      continue;
    }
    for (const { series, n } of readFigures(figures)) {
      counts.set(series, (counts.get(series) ?? 0) + n);
    }
  }
  return late.length + rows.length;
}
