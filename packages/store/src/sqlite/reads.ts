import type {
  Downsampled,
  DownsampleQuery,
  ReadQuery,
  RecordKey,
  SeriesValues,
} from '@bucketgrid/shared';
import { columnsFromRecords } from '../downsample/columns.ts';
import { runSync } from '../downsample/program.ts';
import { downsampleProgram } from '../downsample/read.ts';
import type { Bucket, ReadResult } from '../store.ts';
import type { SqliteDb } from './connection.ts';
import { sqliteOperations } from './downsample.ts';

/**
 * The SQLite store's reads, as functions of a connection: the reader threads
 * (reader-worker.ts) call these on their own read-only connections, and a store without
 * reader threads (an in-memory database) on its own. Each runs in one read transaction: one
 * snapshot, taken when it starts, so it sees every write committed before it.
 */
export type SqliteReadDb = Pick<SqliteDb, 'db' | 'sql'>;

export function readRecordsOn({ sql }: SqliteReadDb, bucket: Bucket, query: ReadQuery): ReadResult {
  const conditions = ['bucket = (SELECT rowid FROM buckets WHERE id = @bucket)'];
  if (query.from !== undefined) conditions.push('key >= @from');
  if (query.to !== undefined) conditions.push('key <= @to');
  if (query.after !== undefined)
    conditions.push(query.order === 'asc' ? 'key > @after' : 'key < @after');
  const params: Record<string, RecordKey | number | string> = {
    bucket: bucket.id,
    limit: query.limit + 1,
  };
  if (query.from !== undefined) params.from = query.from;
  if (query.to !== undefined) params.to = query.to;
  if (query.after !== undefined) params.after = query.after;
  const rows = sql(`SELECT key, vals FROM records WHERE ${conditions.join(' AND ')}
      ORDER BY key ${query.order === 'asc' ? 'ASC' : 'DESC'} LIMIT @limit`).all(params) as {
    key: RecordKey;
    vals: string;
  }[];
  const hasMore = rows.length > query.limit;
  if (hasMore) rows.pop();
  return {
    records: rows.map((row) => ({ key: row.key, values: JSON.parse(row.vals) as SeriesValues })),
    hasMore,
  };
}

/** Every query of a downsampled read in one transaction (other writers may commit meanwhile). */
export function downsampleOn(
  sqlite: SqliteReadDb,
  bucket: Bucket,
  query: DownsampleQuery,
): Downsampled {
  const operations = sqliteOperations(sqlite);
  return sqlite.db.transaction(() => {
    const row = sqlite.sql('SELECT rowid FROM buckets WHERE id = ?').get(bucket.id) as
      | { rowid: number }
      | undefined;
    if (row === undefined) return columnsFromRecords([], false);
    return runSync(downsampleProgram(row.rowid, bucket.type, query), operations);
  })();
}
