import type { DataRecord } from '@bucketgrid/shared';
import { type ChunkColumns, decodeChunk, recordsFromColumns } from '../chunks/codec.ts';
import { FIGURES_BYTES } from '../chunks/figures.ts';
import type { GroupFolder } from '../downsample/fold.ts';
import { cellStart } from '../downsample/tiers.ts';
import type { SqliteDb } from './connection.ts';

/*
 * The read side of sealed chunks (docs/storage.md, "Reads"), as functions of a connection so
 * the reader threads run them on their own. A TSV or IV bucket's records are its chunks (keys
 * up to `buckets.sealed_through`) followed by its rows in `records` (every key above): so a
 * read in key order takes the chunks, then the rows.
 */

type Sql = Pick<SqliteDb, 'sql'>['sql'];

/** A chunk row without its blobs: enough to place it, count it and fold its figures. */
export interface ChunkMeta {
  id: number;
  first: number;
  last: number;
  count: number;
  figures: Buffer;
}

/** A decoded chunk: its columns, and its records once a read asked for them. */
interface Decoded {
  data: Buffer;
  columns: ChunkColumns;
  records?: DataRecord[];
}

/**
 * Decoded chunks by id, per thread. Ids are never reused (AUTOINCREMENT), but a job rolled
 * back can hand out an id again, so a hit also compares the stored `data` blob (a memcmp,
 * far cheaper than inflating it). Upkeep recomputing the 10-second cells of a sealed range
 * decodes each chunk once instead of once per cell.
 */
const decodedById = new Map<number, Decoded>();
const DECODED_KEPT = 16;

function decoded(sql: Sql, id: number): Decoded {
  const row = sql('SELECT keys, data FROM series_chunks WHERE id = ?').get(id) as
    | { keys: Buffer; data: Buffer }
    | undefined;
  if (row === undefined) throw new Error(`chunk ${id} vanished inside its transaction`);
  const hit = decodedById.get(id);
  if (hit?.data.equals(row.data)) {
    decodedById.delete(id);
    decodedById.set(id, hit);
    return hit;
  }
  const entry: Decoded = { data: row.data, columns: decodeChunk(row) };
  decodedById.set(id, entry);
  if (decodedById.size > DECODED_KEPT) decodedById.delete(decodedById.keys().next().value!);
  return entry;
}

/** The chunk's columns (decoded, or from the cache). */
export function chunkColumns(sql: Sql, id: number): ChunkColumns {
  return decoded(sql, id).columns;
}

/** The chunk's records in key order (decoded, or from the cache). */
export function chunkRecords(sql: Sql, id: number): DataRecord[] {
  const entry = decoded(sql, id);
  entry.records ??= recordsFromColumns(entry.columns);
  return entry.records;
}

const LOWEST = Number.NEGATIVE_INFINITY;
const HIGHEST = Number.POSITIVE_INFINITY;

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
    `SELECT id, first_key AS first, last_key AS last, count, figures FROM series_chunks
     WHERE bucket = @bucket AND first_key <= @to AND last_key >= @from
       AND first_key >= coalesce((SELECT first_key FROM series_chunks
         WHERE bucket = @bucket AND first_key <= @from ORDER BY first_key DESC LIMIT 1), @from)
     ORDER BY first_key ${order === 'asc' ? 'ASC' : 'DESC'}`,
  ).all({ bucket, from, to }) as ChunkMeta[];
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

/** The sealed records with keys in [from, to], in the order asked, one chunk decoded at a time. */
export function* sealedRecords(
  sql: Sql,
  bucket: number,
  from = LOWEST,
  to = HIGHEST,
  order: 'asc' | 'desc' = 'asc',
): Generator<DataRecord> {
  for (const chunk of chunksOverlapping(sql, bucket, from, to, order)) {
    const records = chunkRecords(sql, chunk.id);
    const start = firstAtLeast(records, from);
    const end = firstAtLeast(records, to + 1);
    if (order === 'asc') for (let i = start; i < end; i++) yield records[i]!;
    else for (let i = end - 1; i >= start; i--) yield records[i]!;
  }
}

/** How many sealed records have keys in [from, to], counting no further than `limit`. */
export function countSealed(sql: Sql, bucket: number, from: number, to: number, limit: number) {
  let total = 0;
  for (const chunk of chunksOverlapping(sql, bucket, from, to)) {
    if (chunk.first >= from && chunk.last <= to) total += chunk.count;
    else {
      const { keys } = chunkColumns(sql, chunk.id);
      for (const key of keys) if (key >= from && key <= to) total++;
    }
    if (total >= limit) break;
  }
  return total;
}

/** The first and last sealed keys of the bucket; null when nothing is sealed. */
export function sealedBounds(sql: Sql, bucket: number): { first: number; last: number } | null {
  const row = sql(
    `SELECT (SELECT first_key FROM series_chunks WHERE bucket = @bucket ORDER BY first_key LIMIT 1) AS first,
       (SELECT last_key FROM series_chunks WHERE bucket = @bucket ORDER BY first_key DESC LIMIT 1) AS last`,
  ).get({ bucket }) as { first: number | null; last: number | null };
  return row.first === null ? null : { first: row.first, last: row.last! };
}

/**
 * Folds the sealed records with keys in [from, to] into `folder`, in key order: a chunk lying
 * wholly inside the range and inside one interval by its figures (sealed chunks are the first
 * downsampling tier), any other decoded.
 */
export function foldSealed(
  sql: Sql,
  bucket: number,
  from: number,
  to: number,
  interval: number,
  folder: GroupFolder,
): void {
  for (const chunk of chunksOverlapping(sql, bucket, from, to)) {
    const inside = chunk.first >= from && chunk.last <= to;
    if (inside && cellStart(chunk.first, interval) === cellStart(chunk.last, interval)) {
      folder.addCell(chunk.first, chunk.count);
      foldFigures(folder, chunk.figures);
      continue;
    }
    const records = chunkRecords(sql, chunk.id);
    const end = firstAtLeast(records, to + 1);
    for (let i = firstAtLeast(records, from); i < end; i++) {
      const record = records[i]!;
      folder.addValues(record.key as number, record.values);
    }
  }
}

/** Adds each series of a figures blob (sk, n, sum, min, max, last per series) to the folder. */
export function foldFigures(folder: GroupFolder, figures: Buffer): void {
  const view = new DataView(figures.buffer, figures.byteOffset, figures.byteLength);
  for (let at = 0; at < figures.byteLength; at += FIGURES_BYTES) {
    folder.addFigures(
      view.getFloat64(at, true),
      view.getFloat64(at + 8, true),
      view.getFloat64(at + 16, true),
      view.getFloat64(at + 24, true),
      view.getFloat64(at + 32, true),
      view.getFloat64(at + 40, true),
    );
  }
}

/** Adds each series' non-null count in the latest chunks' figures, reading at most `chunks`. */
export function countSealedSeries(
  sql: Sql,
  bucket: number,
  chunks: number,
  counts: Map<number, number>,
): number {
  const rows = sql(
    'SELECT figures FROM series_chunks WHERE bucket = ? ORDER BY first_key DESC LIMIT ?',
  )
    .pluck()
    .all(bucket, chunks) as Buffer[];
  for (const figures of rows) {
    for (let at = 0; at < figures.byteLength; at += FIGURES_BYTES) {
      const sk = figures.readDoubleLE(at);
      counts.set(sk, (counts.get(sk) ?? 0) + figures.readDoubleLE(at + 8));
    }
  }
  return rows.length;
}
