import type { DataRecord, SeriesValues } from '@bucketgrid/shared';
import {
  type ChunkColumns,
  columnsFromRecords,
  concatColumns,
  encodeChunk,
  recordsFromColumns,
  sliceColumns,
} from '../chunks/codec.ts';
import { CHUNK_MAX_RECORDS, chunkEnd, firstKeyAtLeast } from '../chunks/cut.ts';
import { chunkFigures } from '../chunks/figures.ts';
import type { AggregatedType } from '../downsample/tiers.ts';
import type { WriteMode } from '../store.ts';
import type { SqliteAggregates } from './aggregates.ts';
import {
  chunkColumns,
  chunkKeys,
  chunkRecords,
  forgetDecoded,
  type LateRecord,
  rememberFigures,
  rememberRaw,
  withLate,
} from './chunk-reads.ts';
import type { SqliteDb } from './connection.ts';

/** A chunk row's place: enough to find the chunk a key belongs in. */
interface ChunkPlace {
  id: number;
  first: number;
  last: number;
  count: number;
}

/** A chunk being changed by one operation: its records by key (never the cached objects). */
interface Rewrite {
  id: number | undefined;
  byKey: Map<number, SeriesValues>;
  /** Whether any record changed: an untouched chunk is not written again. */
  changed: boolean;
}

/**
 * In-order writes of at least this many records are encoded in the write (encodeFromMemory);
 * smaller ones are raw chunks that upkeep encodes (a chunk of a few records would be mostly
 * overhead).
 */
const ENCODE_AT = 512;

/**
 * Raw chunks of at least this many records are stored encoded, smaller ones as JSON text:
 * measured per request, one record costs about 1 µs as text and 6 as encoded, a hundred about
 * 170 µs as text and 40 as encoded (docs/storage.md, the raw chunk).
 */
const RAW_ENCODED_FROM = 16;

const PLACE = 'SELECT id, first_key AS first, last_key AS last, count, raw FROM series_chunks';

/**
 * Raw chunks smaller than this, written one after the other by small in-order writes (of 8
 * records or more: fewer are rows, see SqliteRecords.appends), are merged into one raw chunk
 * once there are this many (mergeSmallRaw): a read folds a row per chunk at about 1.5 µs a
 * row and a pass, so a head of one-record chunks made a downsampled read cost 6.5 µs per
 * record (27 ms for 4,000), and upkeep encodes raw chunks only from 4,097 records.
 */
const SMALL_RAW_RUN = 64;

/**
 * The write side of sealed chunks (docs/storage.md): sealing the oldest rows of a TSV or IV
 * bucket into chunks, and the slower paths that change sealed records — writes and deletions
 * of keys at or below `buckets.sealed_through`, range deletions, retention, purge. Each runs
 * inside the caller's transaction. A changed chunk is decoded, changed and written again as
 * new rows (cut by `chunkEnd`, so at most CHUNK_MAX_RECORDS records each); chunks never
 * overlap, and every key up to `sealed_through` lives in a chunk, every key above in a row.
 */
export class SqliteChunks {
  /** Small raw chunks each bucket's appends made since its last merge (see mergeSmallRaw). */
  private readonly smallRawWritten = new Map<number, number>();
  /** Where each bucket's last fold of excess late rows stopped (see foldExcessLate). */
  private readonly lateSweptThrough = new Map<number, number>();

  constructor(
    private readonly sqlite: SqliteDb,
    /** Marks the cells of late rows dirty when they are folded (see upsert). */
    private readonly aggregates: SqliteAggregates,
  ) {}

  /**
   * Seals up to `batch` of the bucket's oldest rows: the whole chunks they make (the last
   * one they end in may still be filling: it stays a row, unless `all`), their rows deleted
   * and `sealed_through` advanced. Returns how many records it sealed.
   */
  seal(bucket: number, type: AggregatedType, batch: number, all = false): number {
    const { sql } = this.sqlite;
    const rows = sql('SELECT key, vals FROM records WHERE bucket = ? ORDER BY key LIMIT ?')
      .raw()
      .all(bucket, batch) as [number, string][];
    const keys = rows.map((row) => row[0]);
    const before = sql('SELECT sealed_through FROM buckets WHERE rowid = ?').pluck().get(bucket) as
      | number
      | null;
    let sealed = 0;
    for (let start = 0; start < rows.length; ) {
      const end = chunkEnd(
        type,
        keys,
        start,
        start > 0 ? keys[start - 1] : (before ?? Number.NEGATIVE_INFINITY),
      );
      if (end >= rows.length && !all) break;
      const records = rows
        .slice(start, end)
        .map(([key, vals]) => ({ key, values: JSON.parse(vals) as SeriesValues }));
      this.insertOne(bucket, columnsFromRecords(records));
      sealed = end;
      start = end;
    }
    if (sealed === 0) return 0;
    const through = keys[sealed - 1]!;
    sql('DELETE FROM records WHERE bucket = ? AND key <= ?').run(bucket, through);
    sql('UPDATE buckets SET sealed_through = ?, unsealed = unsealed - ? WHERE rowid = ?').run(
      through,
      sealed,
      bucket,
    );
    return sealed;
  }

  /**
   * The in-order write (docs/storage.md, "Write paths"): records with strictly increasing
   * keys, all newer than everything the bucket holds, as one raw chunk. Returns the bucket's
   * records in raw chunks now.
   */
  append(bucket: number, type: AggregatedType, records: readonly DataRecord[]): number {
    const { sql } = this.sqlite;
    let raw = records.length;
    const columns = columnsFromRecords(records as { key: number; values: SeriesValues }[]);
    if (records.length >= ENCODE_AT) raw = this.encodeFromMemory(bucket, type, columns);
    else {
      this.insertRaw(bucket, columns);
      if (records.length < SMALL_RAW_RUN) this.smallRawAppended(bucket);
    }
    return sql(
      `UPDATE buckets SET sealed_through = ?, raw_records = raw_records + ? WHERE rowid = ?
       RETURNING raw_records`,
    )
      .pluck()
      .get(records.at(-1)!.key, raw, bucket) as number;
  }

  /**
   * The bucket's rows (a head of small in-order writes, see SqliteRecords.appends) as one raw
   * chunk: the same records in key order, `sealed_through` moved to the last of them. At most
   * CHUNK_MAX_RECORDS, from the smallest key; any left stay rows. Returns the bucket's records
   * in raw chunks now.
   */
  rowsToRaw(bucket: number): number {
    const { sql } = this.sqlite;
    const rows = sql('SELECT key, vals FROM records WHERE bucket = ? ORDER BY key LIMIT ?')
      .raw()
      .all(bucket, CHUNK_MAX_RECORDS) as [number, string][];
    const last = rows.at(-1)?.[0];
    if (last !== undefined) {
      const records = rows.map(([key, vals]) => ({
        key,
        values: JSON.parse(vals) as SeriesValues,
      }));
      this.insertRaw(bucket, columnsFromRecords(records));
      sql('DELETE FROM records WHERE bucket = ? AND key <= ?').run(bucket, last);
    }
    // The rows left (usually none: one index probe) are counted, not assumed: the count may
    // have drifted.
    return sql(
      `UPDATE buckets SET sealed_through = coalesce(?, sealed_through), raw_records = raw_records + ?,
         unsealed = (SELECT count(*) FROM records WHERE bucket = ?)
       WHERE rowid = ? RETURNING raw_records`,
    )
      .pluck()
      .get(last ?? null, rows.length, bucket, bucket) as number;
  }

  /** Counts a small raw chunk an append wrote; every SMALL_RAW_RUN of them are merged. */
  private smallRawAppended(bucket: number): void {
    const written = (this.smallRawWritten.get(bucket) ?? 0) + 1;
    if (written < SMALL_RAW_RUN) {
      this.smallRawWritten.set(bucket, written);
      return;
    }
    this.smallRawWritten.delete(bucket);
    this.mergeSmallRaw(bucket);
  }

  /**
   * Merges the bucket's newest run of small raw chunks (each under SMALL_RAW_RUN records, no
   * encoded chunk between them, at most CHUNK_MAX_RECORDS in all) into one raw chunk: the
   * same records, in one row. The run is read from the table, not from the count that
   * started the merge (compactions, deletes and retention change raw chunks too). Raw chunks
   * carry no figures, and the run's range held no other chunk, so nothing else changes: the
   * bucket's raw records stay as many.
   */
  private mergeSmallRaw(bucket: number): void {
    const { sql } = this.sqlite;
    const newest = sql(`${PLACE} WHERE bucket = ? AND raw = 1 ORDER BY first_key DESC LIMIT ?`).all(
      bucket,
      SMALL_RAW_RUN,
    ) as ChunkPlace[];
    // No more than a chunk holds (CHUNK_MAX_RECORDS), as every other write path keeps it.
    let run: ChunkPlace[] = [];
    let records = 0;
    for (const place of newest) {
      if (place.count >= SMALL_RAW_RUN || records + place.count > CHUNK_MAX_RECORDS) break;
      run.push(place);
      records += place.count;
    }
    if (run.length < 2) return;
    const encoded = sql(
      `SELECT max(first_key) FROM series_chunks WHERE bucket = ? AND raw = 0 AND first_key > ?
       AND first_key < ?`,
    )
      .pluck()
      .get(bucket, run.at(-1)!.first, run[0]!.first) as number | null;
    if (encoded !== null) run = run.filter((place) => place.first > encoded);
    if (run.length < 2) return;
    run.reverse();
    const columns = concatColumns(run.map((place) => chunkColumns(sql, place.id)));
    sql(
      'DELETE FROM series_chunks WHERE bucket = ? AND raw = 1 AND first_key >= ? AND first_key <= ?',
    ).run(bucket, run[0]!.first, run.at(-1)!.first);
    forgetDecoded(run.map((place) => place.id));
    this.insertRaw(bucket, columns);
  }

  /**
   * A large in-order write encoded at once from the records in memory (their JSON text is
   * never written only to be parsed back): the bucket's trailing raw chunks (a cell the
   * previous writes left open, remembered in memory too) and the records, cut by
   * `chunkEnd`; every piece but the last is encoded, the last stays raw (its cell may go
   * on). Returns the change in the bucket's raw records.
   */
  private encodeFromMemory(bucket: number, type: AggregatedType, columns: ChunkColumns): number {
    const { sql } = this.sqlite;
    const newest = sql(
      'SELECT id, first_key AS first, count, raw FROM series_chunks WHERE bucket = ? ORDER BY first_key DESC LIMIT 16',
    ).all(bucket) as (ChunkPlace & { raw: number })[];
    const tail: ChunkPlace[] = [];
    let tailRecords = 0;
    for (const place of newest) {
      if (place.raw !== 1 || tailRecords + place.count > CHUNK_MAX_RECORDS) break;
      tail.unshift(place);
      tailRecords += place.count;
    }
    const all = concatColumns([...tail.map((place) => chunkColumns(sql, place.id)), columns]);
    if (tail.length > 0) {
      sql(
        'DELETE FROM series_chunks WHERE bucket = ? AND raw = 1 AND first_key >= ? AND first_key <= ?',
      ).run(bucket, tail[0]!.first, tail.at(-1)!.first);
      forgetDecoded(tail.map((place) => place.id));
    }
    const { keys } = all;
    const before = sql(
      'SELECT last_key FROM series_chunks WHERE bucket = ? AND first_key < ? ORDER BY first_key DESC LIMIT 1',
    )
      .pluck()
      .get(bucket, keys[0]) as number | undefined;
    let start = 0;
    for (;;) {
      const end = chunkEnd(
        type,
        keys,
        start,
        start > 0 ? keys[start - 1] : (before ?? Number.NEGATIVE_INFINITY),
      );
      if (end === keys.length) break;
      this.insertOne(bucket, sliceColumns(all, start, end));
      start = end;
    }
    this.insertRaw(bucket, sliceColumns(all, start));
    // A raw chunk older than these (a late request that fit between two chunks) now lies
    // before encoded ones, where no later write makes it grow: encoded now, a run at a time.
    const stray = sql(
      'SELECT 1 FROM series_chunks WHERE bucket = ? AND raw = 1 AND first_key < ? LIMIT 1',
    ).get(bucket, keys[0]);
    // (compact counts what it encodes off the bucket's raw records itself.)
    if (stray !== undefined) this.compact(bucket, type, CHUNK_MAX_RECORDS, true);
    return keys.length - start - tailRecords;
  }

  /**
   * Encodes the bucket's oldest adjacent raw chunks, at least `budget` records of them when
   * there are, as chunks cut by `chunkEnd`; the last piece stays raw (unless `all`) where
   * its cell may go on, in the next raw chunk or the next write: a chunk cut at a request's
   * end instead of a cell's would straddle a read's intervals. Returns how many it encoded.
   */
  compact(bucket: number, type: AggregatedType, budget: number, all = false): number {
    const { sql } = this.sqlite;
    const run: ChunkPlace[] = [];
    let taken = 0;
    const oldest = sql(`${PLACE} WHERE bucket = ? AND raw = 1 ORDER BY first_key LIMIT ?`).iterate(
      bucket,
      budget,
    ) as IterableIterator<ChunkPlace>;
    for (const place of oldest) {
      if (taken >= budget) break;
      run.push(place);
      taken += place.count;
    }
    if (run.length === 0) return 0;
    // Only adjacent raw chunks: an encoded chunk between two would end up overlapped.
    const between = sql(
      `SELECT first_key FROM series_chunks WHERE bucket = ? AND raw = 0 AND first_key > ?
       AND first_key < ? ORDER BY first_key LIMIT 1`,
    )
      .pluck()
      .get(bucket, run[0]!.first, run.at(-1)!.first) as number | undefined;
    const adjacent = between === undefined ? run : run.filter((place) => place.first < between);
    const columns = concatColumns(adjacent.map((place) => chunkColumns(sql, place.id)));
    const { keys } = columns;
    // The last piece stays raw only where it can grow: the bucket's newest chunk, or one a
    // raw chunk follows (the next compaction takes both). Before an encoded chunk it would
    // stay raw for good, and block every compaction after it.
    const next = sql(
      'SELECT raw FROM series_chunks WHERE bucket = ? AND first_key > ? ORDER BY first_key LIMIT 1',
    )
      .pluck()
      .get(bucket, adjacent.at(-1)!.first) as number | undefined;
    const keepLast = !all && next !== 0;
    // One statement for the run: at batch 1 it is thousands of one-record chunks.
    sql(
      'DELETE FROM series_chunks WHERE bucket = ? AND raw = 1 AND first_key >= ? AND first_key <= ?',
    ).run(bucket, adjacent[0]!.first, adjacent.at(-1)!.first);
    forgetDecoded(adjacent.map((place) => place.id));
    sql('UPDATE buckets SET raw_records = raw_records - ? WHERE rowid = ?').run(
      keys.length,
      bucket,
    );
    let encoded = 0;
    for (let start = 0; start < keys.length; ) {
      const end = chunkEnd(type, keys, start);
      const piece = sliceColumns(columns, start, end);
      if (end === keys.length && keepLast) {
        this.insertRaw(bucket, piece);
        sql('UPDATE buckets SET raw_records = raw_records + ? WHERE rowid = ?').run(
          piece.keys.length,
          bucket,
        );
      } else {
        this.insertOne(bucket, piece);
        encoded += piece.keys.length;
      }
      start = end;
    }
    return encoded;
  }

  /**
   * Upserts records whose keys are all sealed, in order (a later record with the same key
   * merges into or replaces the earlier one), without rewriting a chunk: one more raw chunk
   * when they fit between two chunks, else a late row each (`series_late`), merged into
   * the previous late write of the key if any. Whether a key is new takes the keys column of
   * the chunk it would be in (cached per thread). Returns how many were inserted, how
   * many late rows the bucket has now, and whether the records became late rows: their cells
   * are then not marked dirty here (a late row's cell is dirty by being late, see
   * sqlite/downsample.ts) but when the rows are folded into their chunks, in key order, a
   * few pages of marks instead of one per record at random.
   */
  upsert(bucket: number, type: AggregatedType, records: readonly DataRecord[], mode: WriteMode) {
    const { sql } = this.sqlite;
    if (this.fitsGap(bucket, records)) {
      const columns = columnsFromRecords(records as { key: number; values: SeriesValues }[]);
      if (records.length >= ENCODE_AT) {
        // Encoded from memory like a large in-order write; nothing after it will grow it.
        this.insert(bucket, type, columns);
      } else {
        this.insertRaw(bucket, columns);
        sql('UPDATE buckets SET raw_records = raw_records + ? WHERE rowid = ?').run(
          records.length,
          bucket,
        );
      }
      return { inserted: records.length, late: 0, asLateRows: false };
    }
    const find = sql('SELECT vals, replace, fresh FROM series_late WHERE bucket = ? AND key = ?');
    const put = sql(
      `INSERT OR REPLACE INTO series_late (bucket, key, vals, replace, fresh)
       VALUES (?, ?, ?, ?, ?)`,
    );
    let inserted = 0;
    let added = 0;
    for (const record of records) {
      const key = record.key as number;
      const json = JSON.stringify(record.values);
      const stored = find.get(bucket, key) as Omit<LateRecord, 'key'> | undefined;
      if (stored === undefined) {
        const fresh = this.holds(bucket, key) ? 0 : 1;
        inserted += fresh;
        added++;
        put.run(bucket, key, json, mode === 'replace' ? 1 : 0, fresh);
      } else if (mode === 'replace') {
        put.run(bucket, key, json, 1, stored.fresh);
      } else {
        const merged = { ...(JSON.parse(stored.vals) as SeriesValues), ...record.values };
        put.run(bucket, key, JSON.stringify(merged), stored.replace, stored.fresh);
      }
    }
    const late = sql(
      'UPDATE buckets SET late_records = late_records + ? WHERE rowid = ? RETURNING late_records',
    )
      .pluck()
      .get(added, bucket) as number;
    return { inserted, late, asLateRows: true };
  }

  /** Whether a chunk holds the key (the one starting at or before it, by its keys column). */
  private holds(bucket: number, key: number): boolean {
    const { sql } = this.sqlite;
    const place = sql(
      `${PLACE} WHERE bucket = ? AND first_key <= ? ORDER BY first_key DESC LIMIT 1`,
    ).get(bucket, key) as ChunkPlace | undefined;
    if (place === undefined || place.last < key) return false;
    const keys = chunkKeys(sql, place.id);
    return keys[firstKeyAtLeast(keys, key)] === key;
  }

  /**
   * Folds late rows into their chunks, from the smallest key up to `upTo`: at most `budget`
   * rows, and no more chunks than `chunks` rewritten. Returns how many rows it folded.
   */
  foldLate(bucket: number, type: AggregatedType, chunks: number, budget: number, upTo = Infinity) {
    const { sql } = this.sqlite;
    const rows = sql(
      `SELECT key, vals, replace, fresh FROM series_late WHERE bucket = ? AND key <= ?
       ORDER BY key LIMIT ?`,
    ).all(bucket, upTo, budget) as LateRecord[];
    const rewrites = new Map<number | undefined, Rewrite>();
    let folded = 0;
    for (const row of rows) {
      const target = this.placeFor(bucket, row.key)?.id;
      if (!rewrites.has(target) && rewrites.size === chunks) break;
      this.addLate(rewrites, bucket, row);
      folded++;
    }
    if (folded === 0) return 0;
    this.finishFold(bucket, type, rewrites, Number.NEGATIVE_INFINITY, rows.slice(0, folded));
    return folded;
  }

  /**
   * Folds at least `excess` late rows (or all there are) of a bucket whose late rows passed
   * their bound, as a write does: sweeping the key range from where its last such fold
   * stopped, wrapping around, and taking every late row of each chunk it rewrites. Folding
   * from the smallest key instead took, once late writes kept coming at random keys, the
   * region folded last and so the sparsest: 27 chunks rewritten for 95 rows, 75 ms a request
   * (`pnpm --filter @bucketgrid/store bench:out-of-order`, docs/storage.md). Returns how many
   * rows it folded.
   */
  foldExcessLate(bucket: number, type: AggregatedType, excess: number): number {
    const after = this.lateSweptThrough.get(bucket) ?? Number.NEGATIVE_INFINITY;
    let { folded, through } = this.foldAfter(bucket, type, after, Infinity, excess);
    if (folded < excess && after !== Number.NEGATIVE_INFINITY) {
      const wrapped = this.foldAfter(
        bucket,
        type,
        Number.NEGATIVE_INFINITY,
        after,
        excess - folded,
      );
      folded += wrapped.folded;
      through = wrapped.through;
    }
    this.lateSweptThrough.set(bucket, through);
    return folded;
  }

  /**
   * Folds the late rows with keys in (after, upTo], from the smallest, `budget` of them and
   * then the rest of the last chunk they reach (its rewrite is paid for). Returns how many it
   * folded and the last key folded (`after` when none).
   */
  private foldAfter(
    bucket: number,
    type: AggregatedType,
    after: number,
    upTo: number,
    budget: number,
  ): { folded: number; through: number } {
    const { sql } = this.sqlite;
    const lateIn = sql(
      `SELECT key, vals, replace, fresh FROM series_late WHERE bucket = ? AND key > ? AND key <= ?
       ORDER BY key LIMIT ?`,
    );
    const rows = lateIn.all(bucket, after, upTo, budget) as LateRecord[];
    if (rows.length === 0) return { folded: 0, through: after };
    const last = this.placeFor(bucket, rows.at(-1)!.key);
    if (last !== undefined && last.last > rows.at(-1)!.key) {
      rows.push(
        ...(lateIn.all(bucket, rows.at(-1)!.key, Math.min(last.last, upTo), -1) as LateRecord[]),
      );
    }
    const rewrites = new Map<number | undefined, Rewrite>();
    for (const row of rows) this.addLate(rewrites, bucket, row);
    this.finishFold(bucket, type, rewrites, after, rows);
    return { folded: rows.length, through: rows.at(-1)!.key };
  }

  /** A late row applied to the chunk it belongs in (decoded into `rewrites` on first use). */
  private addLate(rewrites: Map<number | undefined, Rewrite>, bucket: number, row: LateRecord) {
    const rewrite = this.rewriteOf(rewrites, bucket, row.key);
    rewrite.byKey.set(row.key, withLate(rewrite.byKey.get(row.key), row));
    rewrite.changed = true;
  }

  /**
   * Writes the chunks a fold changed, then drops its late rows (`folded`, in key order: every
   * late row with a key in (after, its last]) and marks their cells dirty.
   */
  private finishFold(
    bucket: number,
    type: AggregatedType,
    rewrites: Map<number | undefined, Rewrite>,
    after: number,
    folded: readonly LateRecord[],
  ): void {
    const { sql } = this.sqlite;
    this.finish(bucket, type, rewrites);
    sql('DELETE FROM series_late WHERE bucket = ? AND key > ? AND key <= ?').run(
      bucket,
      after,
      folded.at(-1)!.key,
    );
    sql('UPDATE buckets SET late_records = late_records - ? WHERE rowid = ?').run(
      folded.length,
      bucket,
    );
    this.aggregates.written(bucket, type, folded);
  }

  /**
   * Whether the records, keys strictly increasing, fall between two chunks (or past the
   * last) with no late row among them: then they are one more raw chunk, nothing rewritten.
   * Writers racing each other with increasing keys send such requests all the time (a
   * request overtaken by a newer one).
   */
  private fitsGap(bucket: number, records: readonly DataRecord[]): boolean {
    for (let i = 1; i < records.length; i++) {
      if (!((records[i]!.key as number) > (records[i - 1]!.key as number))) return false;
    }
    const { sql } = this.sqlite;
    const low = records[0]!.key as number;
    const lateAmong = sql(
      'SELECT 1 FROM series_late WHERE bucket = ? AND key >= ? AND key <= ? LIMIT 1',
    ).get(bucket, low, records.at(-1)!.key);
    if (lateAmong !== undefined) return false;
    const before = sql(
      `${PLACE} WHERE bucket = ? AND first_key <= ? ORDER BY first_key DESC LIMIT 1`,
    ).get(bucket, low) as ChunkPlace | undefined;
    if (before !== undefined && before.last >= low) return false;
    const after = sql(
      'SELECT first_key FROM series_chunks WHERE bucket = ? AND first_key > ? ORDER BY first_key LIMIT 1',
    )
      .pluck()
      .get(bucket, low) as number | undefined;
    return after === undefined || after > (records.at(-1)!.key as number);
  }

  /** Deletes the sealed records with these keys; returns how many there were. */
  deleteKeys(bucket: number, type: AggregatedType, keys: readonly number[]): number {
    const { sql } = this.sqlite;
    const dropLate = sql('DELETE FROM series_late WHERE bucket = ? AND key = ? RETURNING fresh');
    const rewrites = new Map<number | undefined, Rewrite>();
    let deleted = 0;
    let lateDeleted = 0;
    for (const key of keys) {
      const late = dropLate.get(bucket, key) as { fresh: number } | undefined;
      if (late !== undefined) lateDeleted++;
      if (late?.fresh === 1) {
        // A key no chunk holds: its late row was the record.
        deleted++;
        continue;
      }
      const rewrite = this.rewriteOf(rewrites, bucket, key);
      if (rewrite.byKey.delete(key)) {
        rewrite.changed = true;
        deleted++;
      }
    }
    this.finish(bucket, type, rewrites);
    this.lateGone(bucket, lateDeleted);
    return deleted;
  }

  private lateGone(bucket: number, count: number): void {
    if (count === 0) return;
    this.sqlite
      .sql('UPDATE buckets SET late_records = late_records - ? WHERE rowid = ?')
      .run(count, bucket);
  }

  /**
   * Deletes the sealed records with keys in [from, to] (ends open when undefined): chunks
   * wholly inside go as rows, the (at most two) chunks at the ends are rewritten.
   */
  deleteRange(bucket: number, type: AggregatedType, from?: number, to?: number): number {
    const { sql } = this.sqlite;
    const lo = from ?? Number.NEGATIVE_INFINITY;
    const hi = to ?? Number.POSITIVE_INFINITY;
    // Late rows first: a fresh one was a record of its own, any other changed a chunk's record
    // that the chunks' part below counts.
    const late = sql(
      'DELETE FROM series_late WHERE bucket = ? AND key >= ? AND key <= ? RETURNING fresh',
    )
      .pluck()
      .all(bucket, lo, hi) as number[];
    this.lateGone(bucket, late.length);
    const wholly = sql(
      `DELETE FROM series_chunks WHERE bucket = ? AND first_key >= ? AND last_key <= ?
       RETURNING count, raw`,
    ).all(bucket, lo, hi) as { count: number; raw: number }[];
    let deleted = late.reduce((sum, fresh) => sum + fresh, 0);
    let raw = 0;
    for (const chunk of wholly) {
      deleted += chunk.count;
      raw += chunk.raw * chunk.count;
    }
    if (raw > 0)
      sql('UPDATE buckets SET raw_records = raw_records - ? WHERE rowid = ?').run(raw, bucket);
    const ends = sql(
      `${PLACE} WHERE bucket = @bucket AND first_key <= @hi AND last_key >= @lo
       AND first_key >= coalesce((SELECT first_key FROM series_chunks
         WHERE bucket = @bucket AND first_key <= @lo ORDER BY first_key DESC LIMIT 1), @lo)`,
    ).all({ bucket, lo, hi }) as ChunkPlace[];
    const rewrites = new Map<number | undefined, Rewrite>();
    for (const place of ends) {
      const rewrite = this.load(place.id);
      for (const key of [...rewrite.byKey.keys()]) {
        if (key >= lo && key <= hi && rewrite.byKey.delete(key)) {
          rewrite.changed = true;
          deleted++;
        }
      }
      rewrites.set(place.id, rewrite);
    }
    this.finish(bucket, type, rewrites);
    return deleted;
  }

  /**
   * Retention: deletes the `excess` smallest sealed keys (fewer when fewer are sealed) —
   * whole chunks from the oldest while they fit, then the next chunk's leading records are
   * skipped (`skip`) rather than the chunk rewritten. Returns how many it deleted and the
   * smallest and largest of them.
   */
  trimOldest(
    bucket: number,
    type: AggregatedType,
    excess: number,
  ): { deleted: number; first?: number; last?: number } {
    const { sql } = this.sqlite;
    const oldest = sql(`${PLACE} WHERE bucket = ? ORDER BY first_key LIMIT 1`);
    const lateUpTo = sql('SELECT 1 FROM series_late WHERE bucket = ? AND key <= ? LIMIT 1');
    let deleted = 0;
    let first: number | undefined;
    let last: number | undefined;
    while (deleted < excess) {
      let place = oldest.get(bucket) as (ChunkPlace & { raw: number }) | undefined;
      if (lateUpTo.get(bucket, place?.last ?? Number.POSITIVE_INFINITY) !== undefined) {
        // Late writes among the oldest keys go into their chunk first (one chunk's worth).
        this.foldLate(bucket, type, 1, Number.MAX_SAFE_INTEGER, place?.last);
        place = oldest.get(bucket) as (ChunkPlace & { raw: number }) | undefined;
      }
      if (place === undefined) break;
      first ??= place.first;
      if (place.count <= excess - deleted) {
        this.remove(place.id);
        deleted += place.count;
        last = place.last;
        continue;
      }
      const keys = chunkKeys(sql, place.id);
      const drop = excess - deleted;
      last = keys[drop - 1]!;
      sql(
        'UPDATE series_chunks SET skip = skip + ?, count = count - ?, first_key = ? WHERE id = ?',
      ).run(drop, drop, keys[drop]!, place.id);
      if (place.raw === 1) {
        sql('UPDATE buckets SET raw_records = raw_records - ? WHERE rowid = ?').run(drop, bucket);
      }
      deleted += drop;
    }
    return { deleted, first, last };
  }

  /** Deletes every chunk of the bucket; returns how many records they held. */
  purge(bucket: number): number {
    const { sql } = this.sqlite;
    const counts = sql('DELETE FROM series_chunks WHERE bucket = ? RETURNING count')
      .pluck()
      .all(bucket) as number[];
    const fresh = sql('DELETE FROM series_late WHERE bucket = ? RETURNING fresh')
      .pluck()
      .all(bucket) as number[];
    return [...counts, ...fresh].reduce((sum, count) => sum + count, 0);
  }

  /**
   * Deletes a deleted bucket's oldest chunks while they hold at most `budget` records
   * together: how many records they held, and whether any chunk remains.
   */
  sweep(bucket: number, budget: number): { swept: number; more: boolean } {
    const { sql } = this.sqlite;
    const late = sql(
      `DELETE FROM series_late WHERE bucket = ? AND key IN
         (SELECT key FROM series_late WHERE bucket = ? ORDER BY key LIMIT ?)`,
    ).run(bucket, bucket, budget).changes;
    if (late === budget) return { swept: late, more: true };
    const oldest = sql(`${PLACE} WHERE bucket = ? ORDER BY first_key LIMIT 1`);
    let swept = late;
    for (;;) {
      const place = oldest.get(bucket) as ChunkPlace | undefined;
      if (place === undefined) return { swept, more: false };
      if (swept + place.count > budget) return { swept, more: true };
      sql('DELETE FROM series_chunks WHERE id = ?').run(place.id);
      swept += place.count;
    }
  }

  /**
   * The rewrite of the chunk `key` belongs in: the one starting at or before it, else the
   * first (a key below every chunk), else none yet (every chunk was deleted).
   */
  private rewriteOf(rewrites: Map<number | undefined, Rewrite>, bucket: number, key: number) {
    const id = this.placeFor(bucket, key)?.id;
    let rewrite = rewrites.get(id);
    if (rewrite === undefined) {
      rewrite = id === undefined ? { id, byKey: new Map(), changed: false } : this.load(id);
      rewrites.set(id, rewrite);
    }
    return rewrite;
  }

  /** The chunk a key belongs in: the one starting at or before it, else the first. */
  private placeFor(bucket: number, key: number): ChunkPlace | undefined {
    const { sql } = this.sqlite;
    return (sql(`${PLACE} WHERE bucket = ? AND first_key <= ? ORDER BY first_key DESC LIMIT 1`).get(
      bucket,
      key,
    ) ?? sql(`${PLACE} WHERE bucket = ? ORDER BY first_key LIMIT 1`).get(bucket)) as
      | ChunkPlace
      | undefined;
  }

  private load(id: number): Rewrite {
    const byKey = new Map<number, SeriesValues>();
    for (const record of chunkRecords(this.sqlite.sql, id)) {
      byKey.set(record.key as number, record.values);
    }
    return { id, byKey, changed: false };
  }

  /** Writes each changed chunk again: its old row deleted, its records as new chunks. */
  private finish(bucket: number, type: AggregatedType, rewrites: Map<number | undefined, Rewrite>) {
    for (const { id, byKey, changed } of rewrites.values()) {
      if (!changed) continue;
      if (id !== undefined) this.remove(id);
      const keys = [...byKey.keys()].sort((a, b) => a - b);
      this.insert(
        bucket,
        type,
        columnsFromRecords(keys.map((key) => ({ key, values: byKey.get(key)! }))),
      );
    }
  }

  /** Deletes a chunk; a raw one's records leave the bucket's raw count. */
  private remove(id: number): void {
    const { sql } = this.sqlite;
    const gone = sql('DELETE FROM series_chunks WHERE id = ? RETURNING bucket, count, raw').get(
      id,
    ) as {
      bucket: number;
      count: number;
      raw: number;
    };
    if (gone.raw === 1) {
      sql('UPDATE buckets SET raw_records = raw_records - ? WHERE rowid = ?').run(
        gone.count,
        gone.bucket,
      );
    }
  }

  /** Records in key order as chunks, cut where sealing would cut them. */
  private insert(bucket: number, type: AggregatedType, columns: ChunkColumns): void {
    const { keys } = columns;
    for (let start = 0; start < keys.length; ) {
      const end = chunkEnd(type, keys, start);
      this.insertOne(bucket, sliceColumns(columns, start, end));
      start = end;
    }
  }

  private insertOne(bucket: number, columns: ChunkColumns): void {
    const { keys, data } = encodeChunk(columns);
    const figures = chunkFigures(columns);
    const { id, stamp } = this.insertRow(bucket, columns.keys, { raw: 0, keys, data, figures });
    rememberFigures(id, stamp, figures);
  }

  /**
   * Records in key order as one raw chunk (no figures): as JSON text below RAW_ENCODED_FROM
   * records, encoded column by column without compression from there (a large write's tail
   * would be tens of kilobytes of text, written to the WAL and deleted by the next write).
   * The columns are remembered as the chunk's decoded form (rememberRaw).
   */
  private insertRaw(bucket: number, columns: ChunkColumns): void {
    let keys: Buffer | undefined;
    let data: Buffer | string;
    if (columns.keys.length < RAW_ENCODED_FROM) {
      data = '[';
      recordsFromColumns(columns).forEach((record, i) => {
        data += `${i === 0 ? '' : ','}[${record.key},${JSON.stringify(record.values)}]`;
      });
      data += ']';
    } else {
      ({ keys, data } = encodeChunk(columns, 'none'));
    }
    const { id, stamp } = this.insertRow(bucket, columns.keys, {
      raw: 1,
      keys: keys ?? EMPTY,
      data,
      figures: EMPTY,
    });
    rememberRaw(id, stamp, columns);
  }

  /** Inserts a chunk row of records with these keys (in order) under a new stamp. */
  private insertRow(
    bucket: number,
    keys: readonly number[],
    row: { raw: 0 | 1; keys: Buffer; data: Buffer | string; figures: Buffer },
  ): { id: number; stamp: number } {
    const stamp = newStamp();
    const { lastInsertRowid } = this.sqlite
      .sql(
        `INSERT INTO series_chunks
           (bucket, first_key, last_key, count, raw, stamp, keys, data, figures)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        bucket,
        keys[0],
        keys.at(-1),
        keys.length,
        row.raw,
        stamp,
        row.keys,
        row.data,
        row.figures,
      );
    return { id: Number(lastInsertRowid), stamp };
  }
}

/** The keys column of a raw chunk kept as text (it has none). */
const EMPTY = Buffer.alloc(0);

/** A chunk's stamp (see schema.ts): 53 random bits. */
function newStamp(): number {
  return Math.floor(Math.random() * 2 ** 53);
}
