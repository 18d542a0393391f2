import {
  type Downsampled,
  type DownsampleQuery,
  type ReadQuery,
  type RecordKey,
  SERIES_SCAN_ROWS,
  type SeriesSummary,
  type SeriesValues,
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

/** Bytes per series in a cell's figures (see downsample.ts): the series key, then its count. */
const FIGURES_BYTES = 48;

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
export function seriesSummaryOn({ db, sql }: SqliteReadDb, bucket: Bucket): SeriesSummary {
  return db.transaction((): SeriesSummary => {
    const rowid = sql('SELECT rowid FROM buckets WHERE id = ?').pluck().get(bucket.id) as
      | number
      | undefined;
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
    } else {
      const cells = sql(
        'SELECT figures FROM aggregates WHERE bucket = ? AND tier = ? ORDER BY cell DESC LIMIT ?',
      )
        .pluck()
        .all(rowid, tier, SERIES_SCAN_ROWS) as Buffer[];
      for (const figures of cells) {
        for (let at = 0; at < figures.byteLength; at += FIGURES_BYTES) {
          const sk = figures.readDoubleLE(at);
          counts.set(sk, (counts.get(sk) ?? 0) + figures.readDoubleLE(at + 8));
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
