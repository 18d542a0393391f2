import { SWEEP_BATCH } from '../sweep.ts';
import { SqliteAggregates } from './aggregates.ts';
import { SqliteChunks } from './chunk-writes.ts';
import type { SqliteDb } from './connection.ts';

/**
 * Deleting a bucket or a dashboard is mark-then-sweep: one short transaction deletes the
 * parent rows (from then on no read or write finds the bucket) and marks the buckets' rowids
 * in `deleted_buckets`; upkeep (Store.maintain) then removes their records, figures and dirty
 * marks in batches, and forgets a mark once nothing of it is left. The marks are rows of
 * the database, so a sweep interrupted by a crash resumes with the next upkeep step.
 */
export class SqliteSweeper {
  private readonly chunks: SqliteChunks;

  constructor(private readonly sqlite: SqliteDb) {
    this.chunks = new SqliteChunks(sqlite, new SqliteAggregates(sqlite));
  }

  /**
   * Inside the deleting transaction, before the bucket rows go: marks the buckets `rowids`
   * (SQL: a subquery with one parameter) selects and drops their retention backlog.
   */
  mark(rowids: string, parameter: string): void {
    const { sql } = this.sqlite;
    sql(`INSERT OR IGNORE INTO deleted_buckets (bucket) ${rowids}`).run(parameter);
    sql(`DELETE FROM retention_backlog WHERE bucket IN (${rowids})`).run(parameter);
  }

  /**
   * One batch off the first marked bucket: records first, then chunks, figures, dirty marks.
   * Says how many records it removed and whether any work remains.
   */
  step(): { more: boolean; swept: number } {
    const { sql } = this.sqlite;
    const marked = sql('SELECT bucket FROM deleted_buckets ORDER BY bucket LIMIT 2')
      .pluck()
      .all() as number[];
    const bucket = marked[0];
    if (bucket === undefined) return { more: false, swept: 0 };
    // The batch's last key, then one range delete up to it (as retention trims do).
    const last = sql('SELECT key FROM records WHERE bucket = ? ORDER BY key LIMIT 1 OFFSET ?')
      .pluck()
      .get(bucket, SWEEP_BATCH - 1);
    const swept =
      last === undefined
        ? sql('DELETE FROM records WHERE bucket = ?').run(bucket).changes
        : sql('DELETE FROM records WHERE bucket = ? AND key <= ?').run(bucket, last).changes;
    if (last !== undefined) return { more: true, swept };
    const chunks = this.chunks.sweep(bucket, SWEEP_BATCH - swept);
    if (chunks.more) return { more: true, swept: swept + chunks.swept };
    const rest =
      sql(
        `DELETE FROM aggregates WHERE (bucket, tier, cell) IN
           (SELECT bucket, tier, cell FROM aggregates WHERE bucket = ? LIMIT ?)`,
      ).run(bucket, SWEEP_BATCH).changes +
      sql(
        `DELETE FROM aggregate_dirty WHERE (bucket, cell, tier) IN
           (SELECT bucket, cell, tier FROM aggregate_dirty WHERE bucket = ? LIMIT ?)`,
      ).run(bucket, SWEEP_BATCH).changes;
    // Fewer than a batch from both tables: both are empty of the bucket now.
    if (rest >= SWEEP_BATCH) return { more: true, swept: swept + chunks.swept };
    sql('DELETE FROM deleted_buckets WHERE bucket = ?').run(bucket);
    return { more: marked.length > 1, swept: swept + chunks.swept };
  }
}
