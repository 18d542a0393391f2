import { chooseInterval, type DataRecord, type RecordKey } from '@bucketgrid/shared';
import {
  downsampledFromIntervals,
  downsampledFromRecords,
  type IntervalCount,
  type IntervalStats,
} from '../downsample.ts';
import type { Store } from '../store.ts';
import type { SqliteDb } from './connection.ts';

type DownsampleMethods = Pick<Store, 'downsampleRecords'>;

/** `key`'s interval start: floor(key / @w) * @w, also for negative keys (SQLite's % truncates). */
const START = 'key - (((key % @w) + @w) % @w)';

export function downsampleMethods({ db, sql }: SqliteDb): DownsampleMethods {
  const rowidOf = (bucketId: string) =>
    (sql('SELECT rowid FROM buckets WHERE id = ?').get(bucketId) as { rowid: number } | undefined)
      ?.rowid;

  return {
    async downsampleRecords(bucket, query) {
      const rowid = rowidOf(bucket.id);
      if (rowid === undefined) return downsampledFromRecords([], false);
      const range = { bucket: rowid, from: query.from, to: query.to };
      // Only the bounds given, so SQLite walks the (bucket, key) index over just the range.
      const inRange = [
        'bucket = @bucket',
        ...(query.from === undefined ? [] : ['key >= @from']),
        ...(query.to === undefined ? [] : ['key <= @to']),
      ].join(' AND ');
      const rows = sql(
        `SELECT key, vals FROM records WHERE ${inRange} ORDER BY key LIMIT @limit`,
      ).all({ ...range, limit: query.points + 1 }) as { key: RecordKey; vals: string }[];
      const records: DataRecord[] = rows
        .slice(0, query.points)
        .map((row) => ({ key: row.key, values: JSON.parse(row.vals) }));
      if (rows.length <= query.points || bucket.type === 'KV') {
        return downsampledFromRecords(records, rows.length > query.points, query.series);
      }

      const from = (query.from ?? rows[0]!.key) as number;
      const to = (query.to ??
        sql(`SELECT key FROM records WHERE ${inRange} ORDER BY key DESC LIMIT 1`)
          .pluck()
          .get(range)) as number;
      const w = chooseInterval(bucket.type, to - from, query.points);
      const params = { bucket: rowid, from, to, w };
      const only = query.series
        ? `AND j.key IN (${query.series.map((sk) => `'${sk}'`).join()})`
        : '';
      const bounded = 'bucket = @bucket AND key >= @from AND key <= @to';
      const values = `(SELECT key, vals, ${START} AS start FROM records WHERE ${bounded}) r,
        json_each(r.vals) j WHERE j.type <> 'null' ${only}`;
      // Prepared per call: the series filter is part of the text (integers only, from zod).
      const counts = db
        .prepare(`SELECT ${START} AS start, count(*) AS count FROM records WHERE ${bounded}
          GROUP BY start`)
        .all(params) as IntervalCount[];
      const stats = db
        .prepare(`SELECT start, CAST(j.key AS INTEGER) AS sk, min(j.value) AS min,
          max(j.value) AS max, avg(j.value) AS avg FROM ${values} GROUP BY start, j.key`)
        .all(params) as Omit<IntervalStats, 'last'>[];
      // A lone max() makes SQLite take the bare column (the value) from the row holding it.
      const lasts = db
        .prepare(`SELECT start, CAST(j.key AS INTEGER) AS sk, max(r.key), j.value AS last
          FROM ${values} GROUP BY start, j.key`)
        .all(params) as { start: number; sk: number; last: number }[];
      const lastOf = new Map(lasts.map((row) => [`${row.start}:${row.sk}`, row.last]));
      return downsampledFromIntervals(
        w,
        counts,
        stats.map((row) => ({ ...row, last: lastOf.get(`${row.start}:${row.sk}`)! })),
      );
    },
  };
}
