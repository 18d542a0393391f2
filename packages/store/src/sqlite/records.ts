import type { BucketType, DataRecord, RecordKey } from '@bucketgrid/shared';
import type Database from 'better-sqlite3';
import {
  type Bucket,
  type MaintainResult,
  MissingEntity,
  type RecordSelection,
  type Store,
  type WriteMode,
  type WriteResult,
} from '../store.ts';
import type { ActivityWriter } from './activity.ts';
import { SqliteAggregates } from './aggregates.ts';
import type { SqliteDb } from './connection.ts';

/** Rows per multi-row INSERT: the largest chunk; smaller ones are powers of two below it. */
const MAX_CHUNK = 128;

type RecordMethods = Pick<
  Store,
  'upsertRecords' | 'readRecords' | 'deleteRecords' | 'purgeRecords'
>;

/** Records a retention backlog trim deletes per upkeep step: about 1–3 ms of work. */
const TRIM_BATCH = 5_000;

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
  private readonly reserveSeq: Database.Statement;
  /** insertChunk[n]: inserts n rows, skipping keys that exist; its parameters in chunkParams[n]. */
  private readonly insertChunk: Database.Statement[] = [];
  private readonly chunkParams: unknown[][] = [];
  private readonly mergeExisting: Database.Statement;
  private readonly replaceExisting: Database.Statement;
  private readonly addCount: Database.Statement;
  private readonly nthKey: Database.Statement;
  private readonly deleteUpTo: Database.Statement;
  private readonly trimOrdered: Database.Statement;
  private readonly trimLeastRecent: Database.Statement;
  private readonly deleteOne: Database.Statement;
  private readonly noteBacklog: Database.Statement;
  private readonly nextBacklog: Database.Statement;
  private readonly clearBacklog: Database.Statement;

  constructor(sqlite: SqliteDb) {
    const { db } = sqlite;
    this.db = db;
    this.aggregates = new SqliteAggregates(sqlite);
    // The merge runs inside SQLite so an update is one statement, not a read and a write.
    db.function('bg_merge_values', { deterministic: true }, (stored, incoming) =>
      JSON.stringify(Object.assign(JSON.parse(stored as string), JSON.parse(incoming as string))),
    );
    this.reserveSeq = db.prepare(
      `UPDATE buckets SET write_seq = write_seq + ?, last_write_at = ?
       WHERE id = ? RETURNING rowid, write_seq`,
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
      'UPDATE buckets SET record_count = record_count + ? WHERE rowid = ? RETURNING record_count',
    );
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
   * Inserts the records in chunks of multi-row INSERT ... ON CONFLICT DO NOTHING. A chunk that
   * inserted fewer rows than it had met keys that exist (or repeat within the request): its
   * records are then applied as updates, in order, each skipping the row it inserted itself.
   */
  upsert(bucket: Bucket, records: DataRecord[], mode: WriteMode): WriteResult {
    const count = records.length;
    const reserved = this.reserveSeq.get(count, Date.now(), bucket.id) as
      | { rowid: number; write_seq: number }
      | undefined;
    if (!reserved) throw new MissingEntity('bucket');
    const { rowid } = reserved;
    const firstSeq = reserved.write_seq - count + 1;
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
        params[p++] = record.json ?? JSON.stringify(record.values);
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
    if (bucket.type !== 'KV') this.aggregates.written(rowid, bucket.type, records);
    if (inserted > 0) {
      const { record_count } = this.addCount.get(inserted, rowid) as { record_count: number };
      const excess = record_count - bucket.retention;
      // A write trims at most what it added; a larger excess (the retention was lowered) is
      // upkeep's to trim in batches, never inside someone's write.
      if (excess > 0) this.trim(bucket.type, rowid, Math.min(excess, inserted));
      if (excess > inserted) this.noteBacklog.run(rowid);
    }
    return { inserted, updated: count - inserted };
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

  /** Retention: drops the smallest keys (TSV, IV) or the least recently written (KV). */
  private trim(type: BucketType, rowid: number, excess: number): void {
    let changes: number;
    if (type === 'KV') {
      changes = this.trimLeastRecent.run({ bucket: rowid, excess }).changes;
    } else {
      // The last key to drop, then one range delete up to it: SQLite deletes a range with a bound
      // end in one pass, where DELETE ... IN (subquery) first collects every key (twice the cost).
      const first = this.nthKey.get(rowid, 0) as number | undefined;
      const last = this.nthKey.get(rowid, excess - 1) as number | undefined;
      changes =
        last === undefined
          ? this.trimOrdered.run({ bucket: rowid, excess }).changes
          : this.deleteUpTo.run(rowid, last).changes;
      if (changes > 0) this.aggregates.deleted(rowid, type, first, last);
    }
    this.addCount.run(-changes, rowid);
  }

  delete(bucket: Bucket, selection: RecordSelection): number {
    const rowid = this.rowidOf(bucket);
    if (rowid === undefined) return 0;
    let deleted = 0;
    if ('keys' in selection) {
      const gone: { key: RecordKey }[] = [];
      for (const key of selection.keys) {
        const { changes } = this.deleteOne.run(rowid, key);
        if (changes > 0) gone.push({ key });
        deleted += changes;
      }
      if (bucket.type !== 'KV') this.aggregates.written(rowid, bucket.type, gone);
    } else {
      const conditions = ['bucket = @rowid'];
      if (selection.from !== undefined) conditions.push('key >= @from');
      if (selection.to !== undefined) conditions.push('key <= @to');
      const params: Record<string, RecordKey> = { rowid };
      if (selection.from !== undefined) params.from = selection.from;
      if (selection.to !== undefined) params.to = selection.to;
      deleted = this.db
        .prepare(`DELETE FROM records WHERE ${conditions.join(' AND ')}`)
        .run(params).changes;
      if (deleted > 0 && bucket.type !== 'KV') {
        const { from, to } = selection as { from?: number; to?: number };
        this.aggregates.deleted(rowid, bucket.type, from, to);
      }
    }
    if (deleted > 0) this.addCount.run(-deleted, rowid);
    return deleted;
  }

  purge(bucket: Bucket): number {
    const rowid = this.rowidOf(bucket);
    if (rowid === undefined) return 0;
    const { changes } = this.db.prepare('DELETE FROM records WHERE bucket = ?').run(rowid);
    this.db.prepare('UPDATE buckets SET record_count = 0 WHERE rowid = ?').run(rowid);
    this.aggregates.purged(rowid);
    return changes;
  }

  private rowidOf(bucket: Bucket): number | undefined {
    const row = this.db.prepare('SELECT rowid FROM buckets WHERE id = ?').get(bucket.id) as
      | { rowid: number }
      | undefined;
    return row?.rowid;
  }
}
