import type { BucketType, DataRecord, RecordKey } from '@bucketgrid/shared';
import type Database from 'better-sqlite3';
import { CHUNK_MAX_RECORDS } from '../chunks/cut.ts';
import type { AggregatedType } from '../downsample/tiers.ts';
import {
  type BucketRef,
  type MaintainResult,
  MissingEntity,
  type RecordSelection,
  type Store,
  type WriteMode,
  type WriteResult,
} from '../store.ts';
import type { ActivityWriter } from './activity.ts';
import { SqliteAggregates } from './aggregates.ts';
import { SqliteChunks } from './chunk-writes.ts';
import type { SqliteDb } from './connection.ts';

/** Rows per multi-row INSERT: the largest chunk; smaller ones are powers of two below it. */
const MAX_CHUNK = 128;

type RecordMethods = Pick<
  Store,
  'upsertRecords' | 'readRecords' | 'deleteRecords' | 'purgeRecords'
>;

/** Records a retention backlog trim deletes per upkeep step: about 1–3 ms of work. */
const TRIM_BATCH = 5_000;

/**
 * Rows one upkeep step seals at most (docs/storage.md, "Sealing"): about 2 µs each, so some
 * 10 ms; and the fewest unsealed rows that make a bucket worth a step (at least two chunks'
 * worth, so a step always finds a whole chunk to seal).
 */
const SEAL_BATCH = 4_096;
const SEAL_MIN = 2 * CHUNK_MAX_RECORDS + 1;

/**
 * Chunks one upkeep step rewrites at most folding late rows in (about 2 ms each), and the
 * late rows a bucket may keep after a write (a write leaving more folds the excess itself,
 * so a read never merges more).
 */
const FOLD_CHUNKS = 4;
const LATE_RECORDS = 16_384;

/**
 * In-order writes of fewer records are rows, not a raw chunk each (see SqliteRecords.appends):
 * the store's CPU per write (32 writers, a group commit), a raw chunk each against rows:
 * 1 record 28–38 against 17–22 µs, 4 records 40–50 against 33–41, 8 about the same, 32
 * records 75–110 against 128–186 (docs/performance.md, "Small writes as rows").
 */
const SMALL_WRITE_RECORDS = 8;

/** A head of small writes' rows becomes one raw chunk at this many records. */
const SMALL_HEAD_RUN = 64;

/**
 * Unsealed rows a TSV or IV bucket may keep after a write (DEFAULT_HEAD_RECORDS): a write
 * leaving more seals the excess in its own transaction, so a read right after an import folds
 * at most this many records from their JSON.
 */
export const DEFAULT_HEAD_RECORDS = 8_192;

export function recordMethods(
  { db, groupCommit }: SqliteDb,
  records: SqliteRecords,
  writeActivity: ActivityWriter,
  reads: Pick<Store, 'readRecords'>,
): RecordMethods {
  return {
    upsertRecords: (bucket, input, mode) =>
      groupCommit.submit(() => records.upsert(bucket, input, mode)),
    readRecords: reads.readRecords,
    deleteRecords: async (bucket, selection, activity) =>
      db.transaction(() => {
        const deleted = records.delete(bucket, selection);
        writeActivity(activity && { ...activity, after: { deleted } });
        return deleted;
      })(),
    purgeRecords: async (bucket, activity) =>
      db.transaction(() => {
        const deleted = records.purge(bucket);
        writeActivity(activity && { ...activity, after: { deleted } });
        return deleted;
      })(),
  };
}

/**
 * Record operations of the SQLite store. They run synchronously inside a transaction the
 * caller opens (the group commit for upserts), so each is all or nothing.
 */
export class SqliteRecords {
  private readonly db: Database.Database;
  private readonly aggregates: SqliteAggregates;
  private readonly chunks: SqliteChunks;
  private readonly reserveSeq: Database.Statement;
  /** insertChunk[n]: inserts n rows, skipping keys that exist; its parameters in chunkParams[n]. */
  private readonly insertChunk: Database.Statement[] = [];
  private readonly chunkParams: unknown[][] = [];
  private readonly mergeExisting: Database.Statement;
  private readonly replaceExisting: Database.Statement;
  private readonly addCount: Database.Statement;
  private readonly newestRowKey: Database.Statement;
  private readonly nthKey: Database.Statement;
  private readonly deleteUpTo: Database.Statement;
  private readonly trimOrdered: Database.Statement;
  private readonly trimLeastRecent: Database.Statement;
  private readonly deleteOne: Database.Statement;
  private readonly noteBacklog: Database.Statement;
  private readonly nextBacklog: Database.Statement;
  private readonly clearBacklog: Database.Statement;

  private readonly headRecords: number;
  /** Whether writes and upkeep put records into chunks (ConnectOptions.seriesChunks). */
  private readonly sealing: boolean;

  constructor(
    private readonly sqlite: SqliteDb,
    layout: { chunks: boolean; headRecords: number },
  ) {
    this.headRecords = layout.headRecords;
    this.sealing = layout.chunks;
    const { db } = sqlite;
    this.db = db;
    this.aggregates = new SqliteAggregates(sqlite);
    this.chunks = new SqliteChunks(sqlite, this.aggregates);
    // The merge runs inside SQLite so an update is one statement, not a read and a write.
    db.function('bg_merge_values', { deterministic: true }, (stored, incoming) =>
      JSON.stringify(Object.assign(JSON.parse(stored as string), JSON.parse(incoming as string))),
    );
    this.reserveSeq = db.prepare(
      `UPDATE buckets SET write_seq = write_seq + ?, last_write_at = ?
       WHERE id = ? RETURNING rowid, write_seq, sealed_through, unsealed`,
    );
    for (let n = 1; n <= MAX_CHUNK; n *= 2) {
      this.insertChunk[n] = db.prepare(
        `INSERT INTO records (bucket, key, seq, vals) VALUES ${'(?, ?, ?, ?), '.repeat(n - 1)}(?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      );
      this.chunkParams[n] = new Array(n * 4);
    }
    // Each record has its own seq, never used before: a row that already carries it is the one
    // this record just inserted, and must not be updated with itself.
    this.mergeExisting = db.prepare(
      `UPDATE records SET vals = bg_merge_values(vals, ?), seq = ?
       WHERE bucket = ? AND key = ? AND seq <> ?`,
    );
    this.replaceExisting = db.prepare(
      'UPDATE records SET vals = ?, seq = ? WHERE bucket = ? AND key = ? AND seq <> ?',
    );
    this.addCount = db.prepare(
      `UPDATE buckets SET record_count = record_count + ?, unsealed = unsealed + ?
       WHERE rowid = ? RETURNING record_count, unsealed`,
    );
    this.newestRowKey = db
      .prepare('SELECT key FROM records WHERE bucket = ? ORDER BY key DESC LIMIT 1')
      .pluck();
    this.nthKey = db
      .prepare('SELECT key FROM records WHERE bucket = ? ORDER BY key LIMIT 1 OFFSET ?')
      .pluck();
    this.deleteUpTo = db.prepare('DELETE FROM records WHERE bucket = ? AND key <= ?');
    this.trimOrdered = db.prepare(
      `DELETE FROM records WHERE bucket = @bucket AND key IN
         (SELECT key FROM records WHERE bucket = @bucket ORDER BY key LIMIT @excess)`,
    );
    this.trimLeastRecent = db.prepare(
      `DELETE FROM records WHERE bucket = @bucket AND key IN
         (SELECT key FROM records WHERE bucket = @bucket AND typeof(key) = 'text' ORDER BY seq LIMIT @excess)`,
    );
    this.deleteOne = db.prepare('DELETE FROM records WHERE bucket = ? AND key = ?');
    this.noteBacklog = db.prepare('INSERT OR IGNORE INTO retention_backlog (bucket) VALUES (?)');
    this.nextBacklog = db.prepare(
      `SELECT r.bucket AS rowid, b.id, b.dashboard_id, b.type,
         b.record_count - d.retention AS excess
       FROM retention_backlog r JOIN buckets b ON b.rowid = r.bucket
       JOIN dashboards d ON d.id = b.dashboard_id LIMIT 2`,
    );
    this.clearBacklog = db.prepare('DELETE FROM retention_backlog WHERE bucket = ?');
  }

  /**
   * A TSV or IV write is split at `sealed_through`: keys at or below it are late writes
   * (chunk-writes.ts: a late row each, no chunk rewritten); the rest, when the bucket has no
   * rows and their keys strictly increase, are one raw chunk (the in-order write: no lookup
   * per record); otherwise rows, inserted in chunks of multi-row INSERT ... ON CONFLICT DO
   * NOTHING, a chunk that inserted fewer rows than it had (keys that exist, or repeat within
   * the request) then applied as updates, in order, each skipping the row it inserted itself.
   * All in the caller's transaction.
   */
  upsert(bucket: BucketRef, records: DataRecord[], mode: WriteMode): WriteResult {
    const count = records.length;
    const reserved = this.reserveSeq.get(count, Date.now(), bucket.id) as
      | { rowid: number; write_seq: number; sealed_through: number | null; unsealed: number }
      | undefined;
    if (!reserved) throw new MissingEntity('bucket');
    const { rowid, sealed_through: sealed } = reserved;
    const series = bucket.type !== 'KV';
    // Used only where `series` holds.
    const type = bucket.type as AggregatedType;
    let rest = records;
    let inserted = 0;
    let late = 0;
    let asLateRows = false;
    if (series && sealed !== null && !allNewer(records, sealed)) {
      const older = records.filter((record) => (record.key as number) <= sealed);
      if (older.length > 0) {
        rest = records.filter((record) => (record.key as number) > sealed);
        ({ inserted, late, asLateRows } = this.chunks.upsert(rowid, type, older, mode));
      }
    }
    let rowsInserted = 0;
    let raw = 0;
    if (rest.length > 0) {
      if (series && this.appends(rowid, rest, sealed, reserved.unsealed)) {
        raw = this.chunks.append(rowid, type, rest);
        inserted += rest.length;
      } else {
        rowsInserted = this.upsertRows(rowid, rest, reserved.write_seq - count + 1, mode);
        inserted += rowsInserted;
      }
    }
    // Late rows mark their cells when they are folded (SqliteChunks.upsert).
    if (series) this.aggregates.written(rowid, type, asLateRows ? rest : records);
    if (inserted > 0) {
      const { record_count, unsealed } = this.addCount.get(
        inserted,
        series ? rowsInserted : 0,
        rowid,
      ) as { record_count: number; unsealed: number };
      const excess = record_count - bucket.retention;
      // A write trims at most what it added; a larger excess (the retention was lowered) is
      // upkeep's to trim in batches, never inside someone's write.
      if (excess > 0) this.trim(bucket.type, rowid, Math.min(excess, inserted));
      if (excess > inserted) this.noteBacklog.run(rowid);
      if (this.sealing && series && rowsInserted > 0) {
        if (this.smallHead(unsealed)) {
          // A head of small writes' rows (see appends): one raw chunk once there are enough.
          if (unsealed >= SMALL_HEAD_RUN) raw = this.chunks.rowsToRaw(rowid);
        } else if (unsealed > this.headRecords) {
          // Enough to bring the head back within its bound, whole chunks only (a bound of 0
          // seals the newest chunk too).
          this.chunks.seal(
            rowid,
            type,
            unsealed - this.headRecords + CHUNK_MAX_RECORDS,
            this.headRecords === 0,
          );
        }
      }
    }
    if (raw > this.headRecords) {
      this.chunks.compact(
        rowid,
        type,
        raw - this.headRecords + CHUNK_MAX_RECORDS,
        this.headRecords === 0,
      );
    }
    // The late rows' bound: a backfill faster than upkeep folds its excess itself.
    const lateBound = this.headRecords === 0 ? 0 : LATE_RECORDS;
    if (late > lateBound) this.chunks.foldExcessLate(rowid, type, late - lateBound);
    return { inserted, updated: count - inserted };
  }

  /**
   * Whether the records a write has past `sealed` (keys all newer) are an in-order append: one
   * raw chunk. Not when they are fewer than SMALL_WRITE_RECORDS: those are rows, a small head
   * that becomes one raw chunk at SMALL_HEAD_RUN records (upsert), as a raw chunk's row, its
   * two index entries and its later merge cost a one-record write more than a row does. A
   * larger write takes such a head into a raw chunk first, when its keys are newer.
   */
  private appends(rowid: number, records: DataRecord[], sealed: number | null, unsealed: number) {
    if (!this.sealing || !allNewer(records, sealed)) return false;
    if (records.length < SMALL_WRITE_RECORDS && this.smallHead(unsealed + records.length)) {
      return false;
    }
    if (unsealed === 0) return true;
    if (!this.smallHead(unsealed)) return false;
    if (!allNewer(records, this.newestRowKey.get(rowid) as number)) return false;
    this.chunks.rowsToRaw(rowid);
    return true;
  }

  /** Whether a bucket's `rows` rows are few enough to become one raw chunk (see appends). */
  private smallHead(rows: number): boolean {
    return this.headRecords > 0 && rows <= CHUNK_MAX_RECORDS;
  }

  /** The rows part of an upsert (see upsert); returns how many rows it inserted. */
  private upsertRows(rowid: number, records: DataRecord[], firstSeq: number, mode: WriteMode) {
    const count = records.length;
    const update = mode === 'merge' ? this.mergeExisting : this.replaceExisting;
    let inserted = 0;
    for (let start = 0; start < count; ) {
      let size = MAX_CHUNK;
      while (size > count - start) size >>= 1;
      const params = this.chunkParams[size]!;
      for (let i = 0, p = 0; i < size; i++) {
        const record = records[start + i]!;
        params[p++] = rowid;
        params[p++] = record.key;
        params[p++] = firstSeq + start + i;
        params[p++] = JSON.stringify(record.values);
      }
      const added = this.insertChunk[size]!.run(params).changes;
      if (added < size) {
        for (let i = 0; i < size; i++) {
          const seq = firstSeq + start + i;
          update.run(params[i * 4 + 3], seq, rowid, records[start + i]!.key, seq);
        }
      }
      params.fill(undefined); // keeps no request's strings alive until the next write
      inserted += added;
      start += size;
    }
    return inserted;
  }

  /**
   * Sealing upkeep, one bounded batch: first the rows of the TSV or IV bucket with the most
   * (all of them, so its next in-order writes take the raw-chunk path again), else the raw
   * chunks of the bucket with the most records in them, once it has at least SEAL_MIN. Says
   * whether either kind of work may remain.
   */
  sealStep(): { more: boolean } {
    const { sql } = this.sqlite;
    // Late rows first (whatever the option: chunks written with it on take late writes).
    const late = sql(
      `SELECT rowid, type FROM buckets WHERE late_records > 0 ORDER BY late_records DESC LIMIT 1`,
    ).get() as { rowid: number; type: 'TSV' | 'IV' } | undefined;
    if (late !== undefined) {
      if (this.chunks.foldLate(late.rowid, late.type, FOLD_CHUNKS, SEAL_BATCH) === 0) {
        // Nothing to fold though the count said so: the count is recounted from the rows.
        sql(
          'UPDATE buckets SET late_records = (SELECT count(*) FROM series_late WHERE bucket = ?) WHERE rowid = ?',
        ).run(late.rowid, late.rowid);
      }
      return { more: true };
    }
    if (!this.sealing) return { more: false };
    // A head of fewer rows than SMALL_HEAD_RUN is small writes' (see appends): left to them.
    const rows = sql(
      `SELECT rowid, type, unsealed FROM buckets WHERE type <> 'KV' AND unsealed >= ?
       ORDER BY unsealed DESC LIMIT 1`,
    ).get(this.headRecords > 0 ? SMALL_HEAD_RUN : 1) as
      | { rowid: number; type: 'TSV' | 'IV'; unsealed: number }
      | undefined;
    if (rows !== undefined) {
      if (this.smallHead(rows.unsealed)) this.chunks.rowsToRaw(rows.rowid);
      else if (this.chunks.seal(rows.rowid, rows.type, SEAL_BATCH, true) === 0) {
        // Nothing to seal though the count said so: the count is recounted from the rows.
        sql(
          'UPDATE buckets SET unsealed = (SELECT count(*) FROM records WHERE bucket = ?) WHERE rowid = ?',
        ).run(rows.rowid, rows.rowid);
      }
      return { more: true };
    }
    const raw = sql(
      `SELECT rowid, type FROM buckets WHERE raw_records >= ? ORDER BY raw_records DESC LIMIT 1`,
    ).get(SEAL_MIN) as { rowid: number; type: 'TSV' | 'IV' } | undefined;
    if (raw === undefined) return { more: false };
    if (this.chunks.compact(raw.rowid, raw.type, SEAL_BATCH) > 0) return { more: true };
    // Nothing to encode though the count said so: the count is recounted from the chunks.
    sql(
      `UPDATE buckets SET raw_records = (SELECT coalesce(sum(count), 0) FROM series_chunks
         WHERE bucket = ? AND raw = 1) WHERE rowid = ?`,
    ).run(raw.rowid, raw.rowid);
    return { more: false };
  }

  /**
   * Retention upkeep: trims a batch of the first bucket that holds more records than its
   * retention, and forgets buckets that no longer do. Says whether any backlog remains.
   */
  trimBacklog(): { more: boolean; trimmed: MaintainResult['trimmed'] } {
    const rows = this.nextBacklog.all() as {
      rowid: number;
      id: string;
      dashboard_id: string;
      type: BucketType;
      excess: number;
    }[];
    const next = rows[0];
    if (next === undefined) return { more: false, trimmed: [] };
    const trimmed: MaintainResult['trimmed'] = [];
    if (next.excess > 0) {
      this.trim(next.type, next.rowid, Math.min(next.excess, TRIM_BATCH));
      trimmed.push({ bucketId: next.id, dashboardId: next.dashboard_id });
    }
    if (next.excess <= TRIM_BATCH) this.clearBacklog.run(next.rowid);
    return { more: rows.length > 1 || next.excess > TRIM_BATCH, trimmed };
  }

  /**
   * Retention: drops the smallest keys (TSV, IV: whole sealed chunks first, at most one
   * rewritten, then rows) or the least recently written (KV).
   */
  private trim(type: BucketType, rowid: number, excess: number): void {
    if (type === 'KV') {
      const { changes } = this.trimLeastRecent.run({ bucket: rowid, excess });
      this.addCount.run(-changes, 0, rowid);
      return;
    }
    const sealed = this.chunks.trimOldest(rowid, type, excess);
    let { first, last } = sealed;
    let rowChanges = 0;
    const rest = excess - sealed.deleted;
    if (rest > 0) {
      // The last key to drop, then one range delete up to it: SQLite deletes a range with a bound
      // end in one pass, where DELETE ... IN (subquery) first collects every key (twice the cost).
      first ??= this.nthKey.get(rowid, 0) as number | undefined;
      const lastRow = this.nthKey.get(rowid, rest - 1) as number | undefined;
      rowChanges =
        lastRow === undefined
          ? this.trimOrdered.run({ bucket: rowid, excess: rest }).changes
          : this.deleteUpTo.run(rowid, lastRow).changes;
      if (rowChanges > 0) last = lastRow;
    }
    const changes = sealed.deleted + rowChanges;
    if (changes > 0) this.aggregates.deleted(rowid, type, first, last);
    this.addCount.run(-changes, -rowChanges, rowid);
  }

  delete(bucket: BucketRef, selection: RecordSelection): number {
    const place = this.placeOf(bucket);
    if (place === undefined) return 0;
    const { rowid } = place;
    const sealed = bucket.type === 'KV' ? null : place.sealed_through;
    let deleted = 0;
    let rowsDeleted = 0;
    if ('keys' in selection) {
      const gone: { key: RecordKey }[] = [];
      const late: number[] = [];
      for (const key of selection.keys) {
        if (sealed !== null && (key as number) <= sealed) {
          late.push(key as number);
          continue;
        }
        const { changes } = this.deleteOne.run(rowid, key);
        if (changes > 0) gone.push({ key });
        rowsDeleted += changes;
      }
      deleted = rowsDeleted;
      if (late.length > 0) {
        deleted += this.chunks.deleteKeys(rowid, bucket.type as 'TSV' | 'IV', late);
        gone.push(...late.map((key) => ({ key })));
      }
      if (bucket.type !== 'KV') this.aggregates.written(rowid, bucket.type, gone);
    } else {
      const conditions = ['bucket = @rowid'];
      if (selection.from !== undefined) conditions.push('key >= @from');
      if (selection.to !== undefined) conditions.push('key <= @to');
      const params: Record<string, RecordKey> = { rowid };
      if (selection.from !== undefined) params.from = selection.from;
      if (selection.to !== undefined) params.to = selection.to;
      rowsDeleted = this.db
        .prepare(`DELETE FROM records WHERE ${conditions.join(' AND ')}`)
        .run(params).changes;
      deleted = rowsDeleted;
      if (bucket.type !== 'KV') {
        const { from, to } = selection as { from?: number; to?: number };
        if (sealed !== null) deleted += this.chunks.deleteRange(rowid, bucket.type, from, to);
        if (deleted > 0) this.aggregates.deleted(rowid, bucket.type, from, to);
      }
    }
    if (deleted > 0) this.addCount.run(-deleted, bucket.type === 'KV' ? 0 : -rowsDeleted, rowid);
    return deleted;
  }

  purge(bucket: BucketRef): number {
    const place = this.placeOf(bucket);
    if (place === undefined) return 0;
    const { rowid } = place;
    const { changes } = this.db.prepare('DELETE FROM records WHERE bucket = ?').run(rowid);
    const sealed = this.chunks.purge(rowid);
    this.db
      .prepare(
        `UPDATE buckets SET record_count = 0, unsealed = 0, raw_records = 0, sealed_through = NULL
         WHERE rowid = ?`,
      )
      .run(rowid);
    this.aggregates.purged(rowid);
    return changes + sealed;
  }

  private placeOf(bucket: BucketRef) {
    return this.db
      .prepare('SELECT rowid, sealed_through FROM buckets WHERE id = ?')
      .get(bucket.id) as { rowid: number; sealed_through: number | null } | undefined;
  }
}

/** Whether the keys strictly increase, all above `sealed` (the in-order write's condition). */
function allNewer(records: readonly DataRecord[], sealed: number | null): boolean {
  let previous = sealed ?? Number.NEGATIVE_INFINITY;
  for (const { key } of records) {
    if (!((key as number) > previous)) return false;
    previous = key as number;
  }
  return records.length > 0;
}
