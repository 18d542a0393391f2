import type { RecordKey } from '@bucketgrid/shared';
import type Database from 'better-sqlite3';
import { deletionEffects } from '../downsample/deletion.ts';
import { type AggregatedType, cellStart, TIER_WIDTHS } from '../downsample/tiers.ts';
import type { SqliteDb } from './connection.ts';

/**
 * What record changes do to the pre-aggregated figures (see ../downsample/), in the
 * transaction of the change: writes mark the tier-0 cells they touch dirty; deletions drop the
 * figures of the cells they empty whole and mark the cells at their ends. Upkeep recomputes
 * dirty cells later; until then, reads compute their intervals from the records.
 */
export class SqliteAggregates {
  private readonly markDirty: Database.Statement;

  constructor(private readonly sqlite: SqliteDb) {
    this.markDirty = sqlite.sql(
      `INSERT INTO aggregate_dirty (bucket, cell, tier, marked_at) VALUES (?, ?, 0, ?)
       ON CONFLICT DO UPDATE SET marked_at = excluded.marked_at`,
    );
  }

  /** Marks the tier-0 cells holding the records dirty (keys mostly come in order: one mark per run). */
  written(rowid: number, type: AggregatedType, records: readonly { key: RecordKey }[]): void {
    const width = TIER_WIDTHS[type][0]!;
    const now = Date.now();
    let previous = Number.NaN;
    for (const { key } of records) {
      const cell = cellStart(key as number, width);
      if (cell !== previous) {
        this.markDirty.run(rowid, cell, now);
        previous = cell;
      }
    }
  }

  /** After the records with keys in [from, to] (ends open when undefined) were deleted. */
  deleted(rowid: number, type: AggregatedType, from?: number, to?: number): void {
    const { drop, mark } = deletionEffects(type, from, to);
    for (const cells of drop) {
      const bounds = ['bucket = ?', 'tier = ?'];
      const parameters = [rowid, cells.tier];
      if (cells.from !== undefined) {
        bounds.push('cell >= ?');
        parameters.push(cells.from);
      }
      if (cells.to !== undefined) {
        bounds.push('cell <= ?');
        parameters.push(cells.to);
      }
      this.sqlite.sql(`DELETE FROM aggregates WHERE ${bounds.join(' AND ')}`).run(parameters);
    }
    const now = Date.now();
    for (const cell of mark) this.markDirty.run(rowid, cell, now);
  }

  /** Forgets every figure and mark of the bucket (it was purged). */
  purged(rowid: number): void {
    forgetBuckets(this.sqlite, '?', rowid);
  }
}

/**
 * Deletes the figures, dirty marks and retention backlog of the buckets `rowids` (SQL: a
 * rowid or a subquery of them, with one parameter) selects.
 */
export function forgetBuckets({ sql }: SqliteDb, rowids: string, parameter: number | string): void {
  for (const table of ['aggregates', 'aggregate_dirty', 'retention_backlog']) {
    sql(`DELETE FROM ${table} WHERE bucket IN (${rowids})`).run(parameter);
  }
}
