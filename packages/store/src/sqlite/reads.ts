import {
  type DataRecord,
  type Downsampled,
  type DownsampleQuery,
  type ReadQuery,
  type RecordKey,
  SERIES_SCAN_ROWS,
  type SeriesSummary,
  type SeriesValues,
} from '@bucketgrid/shared';
import { readFigures } from '../chunks/figures.ts';
import { columnsFromRecords } from '../downsample/columns.ts';
import { runSync } from '../downsample/program.ts';
import { downsampleProgram } from '../downsample/read.ts';
import { pageOf } from '../read-page.ts';
import type { BucketRef, ReadResult } from '../store.ts';
import { countSealedSeries, sealedRecords } from './chunk-reads.ts';
import type { SqliteDb } from './connection.ts';
import { sqliteOperations } from './downsample.ts';

/**
 * The SQLite store's reads, as functions of a connection: the reader threads
 * (reader-worker.ts) call these on their own read-only connections, and a store without
 * reader threads (an in-memory database) on its own. Each runs in one read transaction: one
 * snapshot, taken when it starts, so it sees every write committed before it.
 */
export type SqliteReadDb = Pick<SqliteDb, 'db' | 'sql'>;

export function readRecordsOn(
  sqlite: SqliteReadDb,
  bucket: BucketRef,
  query: ReadQuery,
): ReadResult {
  return sqlite.db.transaction((): ReadResult => {
    const rowid = rowidOf(sqlite, bucket);
    if (rowid === undefined) return { records: [], hasMore: false };
    return pageOf(recordsInOrder(sqlite, rowid, bucket, query), query.limit);
  })();
}

/**
 * The records a read selects, in its order: sealed ones (TSV, IV) before the rows going up,
 * after them going down (every sealed key is below every row's, see chunk-reads.ts).
 */
function* recordsInOrder(
  { sql }: SqliteReadDb,
  rowid: number,
  bucket: BucketRef,
  query: ReadQuery,
): Generator<DataRecord> {
  const ascending = query.order === 'asc';
  const conditions = ['bucket = @bucket'];
  if (query.from !== undefined) conditions.push('key >= @from');
  if (query.to !== undefined) conditions.push('key <= @to');
  if (query.after !== undefined) conditions.push(ascending ? 'key > @after' : 'key < @after');
  const params: Record<string, RecordKey | number | string> = {
    bucket: rowid,
    limit: query.limit + 1,
  };
  if (query.from !== undefined) params.from = query.from;
  if (query.to !== undefined) params.to = query.to;
  if (query.after !== undefined) params.after = query.after;
  const rows = () =>
    parsed(
      sql(`SELECT key, vals FROM records WHERE ${conditions.join(' AND ')}
        ORDER BY key ${ascending ? 'ASC' : 'DESC'} LIMIT @limit`)
        .raw()
        .iterate(params) as IterableIterator<[RecordKey, string]>,
    );
  if (bucket.type === 'KV') {
    yield* rows();
    return;
  }
  // Keys are integers: "after" a key is one past it.
  let from = (query.from as number | undefined) ?? Number.NEGATIVE_INFINITY;
  let to = (query.to as number | undefined) ?? Number.POSITIVE_INFINITY;
  if (query.after !== undefined) {
    if (ascending) from = Math.max(from, (query.after as number) + 1);
    else to = Math.min(to, (query.after as number) - 1);
  }
  if (!ascending) yield* rows();
  yield* sealedRecords(sql, rowid, from, to, query.order);
  if (ascending) yield* rows();
}

/**
 * The bucket's rowid. One statement, never plucked: `sql` shares a statement per SQL text,
 * and a plucked one answers every later caller with bare values (reads that shared it with
 * seriesSummary found no bucket).
 */
function rowidOf({ sql }: SqliteReadDb, bucket: BucketRef): number | undefined {
  const row = sql('SELECT rowid FROM buckets WHERE id = ?').get(bucket.id) as
    | { rowid: number }
    | undefined;
  return row?.rowid;
}

/** Stored rows as records, parsed only as the page takes them. */
function* parsed(rows: Iterable<[RecordKey, string]>): Generator<DataRecord> {
  for (const [key, vals] of rows) yield { key, values: JSON.parse(vals) as SeriesValues };
}

/** Every query of a downsampled read in one transaction (other writers may commit meanwhile). */
export function downsampleOn(
  sqlite: SqliteReadDb,
  bucket: BucketRef,
  query: DownsampleQuery,
): Downsampled {
  const operations = sqliteOperations(sqlite);
  return sqlite.db.transaction(() => {
    const rowid = rowidOf(sqlite, bucket);
    if (rowid === undefined) return columnsFromRecords([], false);
    return runSync(downsampleProgram(rowid, bucket.type, query), operations);
  })();
}

/** Adds each series' non-null values in `values` (stored record JSON) to `counts`. */
function countRecordSeries(counts: Map<number, number>, valuesJson: string): void {
  const values = JSON.parse(valuesJson) as Record<string, number | null>;
  for (const name in values) {
    if (values[name] === null) continue;
    const sk = Number(name);
    counts.set(sk, (counts.get(sk) ?? 0) + 1);
  }
}

/**
 * `Store.seriesSummary`: the latest cells of the bucket's coarsest stored tier, or before
 * upkeep stored any (and for KV buckets, never aggregated) its latest records.
 */
export function seriesSummaryOn(sqlite: SqliteReadDb, bucket: BucketRef): SeriesSummary {
  const { db, sql } = sqlite;
  return db.transaction((): SeriesSummary => {
    const rowid = rowidOf(sqlite, bucket);
    if (rowid === undefined) return { series: [], partial: false };
    const counts = new Map<number, number>();
    const tier = sql('SELECT tier FROM aggregates WHERE bucket = ? ORDER BY tier DESC LIMIT 1')
      .pluck()
      .get(rowid) as number | undefined;
    let rows: number;
    if (tier === undefined) {
      // The latest written (KV, through its index by seq) or the largest keys.
      const records = sql(
        bucket.type === 'KV'
          ? "SELECT vals FROM records WHERE bucket = ? AND typeof(key) = 'text' ORDER BY seq DESC LIMIT ?"
          : 'SELECT vals FROM records WHERE bucket = ? ORDER BY key DESC LIMIT ?',
      )
        .pluck()
        .all(rowid, SERIES_SCAN_ROWS) as string[];
      for (const vals of records) countRecordSeries(counts, vals);
      rows = records.length;
      // The rows are the newest records; older ones may be sealed, each chunk a stored row.
      if (bucket.type !== 'KV' && rows < SERIES_SCAN_ROWS) {
        rows += countSealedSeries(sql, rowid, SERIES_SCAN_ROWS - rows, counts);
      }
    } else {
      const cells = sql(
        'SELECT figures FROM aggregates WHERE bucket = ? AND tier = ? ORDER BY cell DESC LIMIT ?',
      )
        .pluck()
        .all(rowid, tier, SERIES_SCAN_ROWS) as Buffer[];
      for (const figures of cells) {
        for (const { series, n } of readFigures(figures)) {
          counts.set(series, (counts.get(series) ?? 0) + n);
        }
      }
      rows = cells.length;
    }
    return {
      series: [...counts].sort((a, b) => a[0] - b[0]).map(([sk, values]) => ({ sk, values })),
      partial: rows === SERIES_SCAN_ROWS,
    };
  })();
}
