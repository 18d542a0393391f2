import type { SeriesMeta } from '@bucketgrid/shared';
import { newId } from '../ids.ts';
import type { BucketStore } from '../roles/tenancy.ts';
import { type Bucket, MissingEntity } from '../store.ts';
import type { ActivityWriter } from './activity.ts';
import type { Row, SqliteDb } from './connection.ts';
import { isForeignKeyFailure } from './errors.ts';
import type { SqliteSweeper } from './sweeper.ts';

/** A bucket with its dashboard's retention (getBucket is on every API call: one query). */
const BUCKET_SELECT = `SELECT b.*, d.retention FROM buckets b JOIN dashboards d ON d.id = b.dashboard_id`;

export function bucketMethods(
  { db, sql }: SqliteDb,
  sweeper: SqliteSweeper,
  writeActivity: ActivityWriter,
): BucketStore {
  const getBucket = async (id: string) => {
    const row = sql(`${BUCKET_SELECT} WHERE b.id = ?`).get(id) as Row | undefined;
    return row ? toBucket(row) : null;
  };
  return {
    async createBucket(input, activity) {
      const id = newId();
      try {
        db.transaction(() => {
          sql(
            'INSERT INTO buckets (id, dashboard_id, name, type, created_at) VALUES (?, ?, ?, ?, ?)',
          ).run(id, input.dashboardId, input.name, input.type, Date.now());
          writeActivity(activity && { ...activity, target: { ...activity.target, id } });
        })();
      } catch (error) {
        if (isForeignKeyFailure(error)) throw new MissingEntity('dashboard');
        throw error;
      }
      return (await getBucket(id))!;
    },

    getBucket,

    async listBuckets(dashboardId) {
      const rows = sql(`${BUCKET_SELECT} WHERE b.dashboard_id = ? ORDER BY b.created_at, b.id`).all(
        dashboardId,
      ) as Row[];
      return rows.map(toBucket);
    },

    async renameBucket(id, name, activity) {
      db.transaction(() => {
        const { changes } = sql('UPDATE buckets SET name = ? WHERE id = ?').run(name, id);
        if (changes > 0) writeActivity(activity);
      })();
    },

    async setBucketSeries(id, series, activity) {
      db.transaction(() => {
        const { changes } = sql('UPDATE buckets SET series = ? WHERE id = ?').run(
          JSON.stringify(series),
          id,
        );
        if (changes > 0) writeActivity(activity);
      })();
      return getBucket(id);
    },

    async deleteBucket(id, activity) {
      // Gone from every read at once; upkeep removes its records in batches (sweeper.ts).
      db.transaction(() => {
        sweeper.mark('SELECT rowid FROM buckets WHERE id = ?', id);
        const { changes } = sql('DELETE FROM buckets WHERE id = ?').run(id);
        if (changes > 0) writeActivity(activity);
      })();
    },
  };
}

function toBucket(r: Row): Bucket {
  return {
    id: r.id as string,
    dashboardId: r.dashboard_id as string,
    name: r.name as string,
    type: r.type as Bucket['type'],
    retention: r.retention as number,
    recordCount: r.record_count as number,
    lastWriteAt: r.last_write_at as number | null,
    createdAt: r.created_at as number,
    series: JSON.parse(r.series as string) as SeriesMeta[],
  };
}
