import type { DataRecord, RecordKey } from '@bucketgrid/shared';
import type Database from 'better-sqlite3';
import { FIGURES_BYTES, figuresBlob } from '../chunks/figures.ts';
import { GroupFolder } from '../downsample/fold.ts';
import { maintainProgram } from '../downsample/maintain.ts';
import {
  type CellGroup,
  type DirtyCell,
  runSync,
  type SyncOperations,
} from '../downsample/program.ts';
import { type AggregatedType, cellStart } from '../downsample/tiers.ts';
import type { Store } from '../store.ts';
import { expireActivity } from './activity.ts';
import {
  countSealed,
  foldFigures,
  foldSealed,
  sealedBounds,
  sealedRecords,
} from './chunk-reads.ts';
import type { SqliteDb } from './connection.ts';
import { expireLinkTokens } from './invitations.ts';
import { expireRateWindows } from './rate-windows.ts';
import type { SqliteRecords } from './records.ts';
import type { SqliteSweeper } from './sweeper.ts';

type DownsampleMethods = Pick<Store, 'downsampleRecords' | 'maintain'>;

type Range = { from?: RecordKey; to?: RecordKey };

/** Dirty intervals found one index probe each before the rest is scanned (`dirtyIntervals`). */
const DIRTY_INTERVAL_PROBES = 2_048;

interface DirtyProbe {
  bucket: unknown;
  from: number;
  to: number;
  interval: number;
  /** The statements' parameters after bucket, from and to. */
  more: number[];
}

/**
 * Adds to `starts` the intervals holding a key (a dirty cell's start, a late row's key) that
 * `next` and `rest` find in [from, to].
 * From one dirty interval to the next, one index probe each (about 3 µs): a read over freshly
 * written records reads a key per interval, not each of its keys. Past DIRTY_INTERVAL_PROBES
 * hits (many narrow intervals) a scan of the rest costs less.
 */
function dirtyStarts(
  starts: Set<number>,
  next: Database.Statement,
  rest: Database.Statement,
  { bucket, from, to, interval, more }: DirtyProbe,
): void {
  let at = from;
  for (let probes = 0; probes < DIRTY_INTERVAL_PROBES; probes++) {
    const key = next.get(bucket, at, to, ...more) as number | undefined;
    if (key === undefined) return;
    const start = cellStart(key, interval);
    starts.add(start);
    // Past 2^53 a start plus its width may round back: the scan below then takes the rest.
    if (!(start + interval > key)) break;
    at = start + interval;
  }
  for (const key of rest.all(bucket, at, to, ...more) as number[]) {
    starts.add(cellStart(key, interval));
  }
}

/** A cell's series figures as the `aggregates.figures` blob (../chunks/figures.ts). */
function encodeFigures(groups: readonly CellGroup[]): Buffer {
  return figuresBlob(groups.filter((group) => group.series !== 0));
}

/** `bucket = ?` plus the bounds given (so SQLite walks the (bucket, key) index over just them). */
function inRange({ from, to }: Range): string {
  return `bucket = @bucket${from === undefined ? '' : ' AND key >= @from'}${to === undefined ? '' : ' AND key <= @to'}`;
}

/**
 * The primitive queries of the downsampling programs (../downsample/program.ts), answered
 * synchronously: a read runs in one read transaction, an upkeep step in one write job of the
 * group commit, so neither needs version checks: nothing can change in between.
 */
export function sqliteOperations({ sql }: Pick<SqliteDb, 'sql'>): SyncOperations {
  const seriesNames = (series: number[] | undefined) =>
    series && new Set(series.map((sk) => String(sk)));
  return {
    bounds({ bucket }) {
      const row = sql(
        `SELECT (SELECT key FROM records WHERE bucket = @bucket ORDER BY key LIMIT 1) AS first,
           (SELECT key FROM records WHERE bucket = @bucket ORDER BY key DESC LIMIT 1) AS last`,
      ).get({ bucket }) as { first: number | null; last: number | null };
      const sealed = sealedBounds(sql, bucket as number);
      if (row.first === null) return sealed;
      if (sealed === null) return { first: row.first, last: row.last! };
      return { first: Math.min(sealed.first, row.first), last: Math.max(sealed.last, row.last!) };
    },

    hasMoreThan({ bucket, from, to, count }) {
      const sealed = countSealed(sql, bucket as number, from, to, count + 1);
      if (sealed > count) return true;
      const beyond = sql(
        `SELECT 1 FROM records WHERE ${inRange({ from, to })} ORDER BY key LIMIT 1 OFFSET @count`,
      ).get({ bucket, from, to, count: count - sealed });
      return beyond !== undefined;
    },

    seriesCount({ bucket }) {
      const bytes = sql(
        `SELECT length(figures) FROM aggregates WHERE bucket = ?
         ORDER BY tier DESC, cell DESC LIMIT 1`,
      )
        .pluck()
        .get(bucket) as number | undefined;
      return (bytes ?? 0) / FIGURES_BYTES;
    },

    countRecords({ bucket, ranges, interval, limit }) {
      const count = sql(
        `SELECT count(*) FROM (SELECT 1 FROM records WHERE bucket = ? AND key >= ? AND key <= ?
         LIMIT ?)`,
      ).pluck();
      let total = 0;
      for (const [from, to] of ranges) {
        total += countSealed(sql, bucket as number, from, to, limit + 1 - total, interval);
        if (total > limit) break;
        total += count.get(bucket, from, to, limit + 1 - total) as number;
        if (total > limit) break;
      }
      return total;
    },

    records({ bucket, from, to, limit }) {
      const records: DataRecord[] = [];
      // KV keys are strings, and KV buckets are never sealed.
      if (typeof from !== 'string' && typeof to !== 'string') {
        for (const record of sealedRecords(sql, bucket as number, from, to)) {
          if (records.length === limit) return records;
          records.push(record);
        }
      }
      const parameters: Record<string, unknown> = { bucket, limit: limit - records.length };
      if (from !== undefined) parameters.from = from;
      if (to !== undefined) parameters.to = to;
      const rows = sql(`SELECT key, vals FROM records WHERE ${inRange({ from, to })}
        ORDER BY key LIMIT @limit`)
        .raw()
        .all(parameters) as [RecordKey, string][];
      for (const [key, vals] of rows) records.push({ key, values: JSON.parse(vals) });
      return records;
    },

    dirtyIntervals({ bucket, maxTier, from, to, interval }) {
      // Stale cells are the marked ones and those holding a late row (a late write marks its
      // cell only when upkeep or a later write folds it into its chunk: chunk-writes.ts).
      const starts = new Set<number>();
      dirtyStarts(
        starts,
        sql(
          `SELECT cell FROM aggregate_dirty
           WHERE bucket = ? AND cell >= ? AND cell <= ? AND tier <= ? ORDER BY cell LIMIT 1`,
        ).pluck(),
        sql(
          'SELECT cell FROM aggregate_dirty WHERE bucket = ? AND cell >= ? AND cell <= ? AND tier <= ?',
        ).pluck(),
        { bucket, from, to, interval, more: [maxTier] },
      );
      // A late row's key lies in its tier-0 cell, and so in the interval holding that cell.
      dirtyStarts(
        starts,
        sql(
          'SELECT key FROM series_late WHERE bucket = ? AND key >= ? AND key <= ? ORDER BY key LIMIT 1',
        ).pluck(),
        sql('SELECT key FROM series_late WHERE bucket = ? AND key >= ? AND key <= ?').pluck(),
        { bucket, from, to, interval, more: [] },
      );
      return [...starts];
    },

    groupTier({ bucket, tier, from, to, interval, series }) {
      const folder = new GroupFolder(interval, seriesNames(series));
      const rows = sql(
        `SELECT cell, records, figures FROM aggregates
         WHERE bucket = ? AND tier = ? AND cell >= ? AND cell <= ?`,
      )
        .raw()
        .iterate(bucket, tier, from, to) as IterableIterator<[number, number, Buffer]>;
      for (const [cell, records, figures] of rows) {
        folder.addCell(cell, records);
        foldFigures(folder, figures);
      }
      return folder.finish();
    },

    groupRaw({ bucket, ranges, interval, series }) {
      const folder = new GroupFolder(interval, seriesNames(series));
      const statement = sql(
        'SELECT key, vals FROM records WHERE bucket = ? AND key >= ? AND key <= ?',
      ).raw();
      for (const [from, to] of ranges) {
        // Sealed keys come before every row's (see chunk-reads.ts): key order holds.
        foldSealed(sql, bucket as number, from, to, interval, folder);
        const rows = statement.iterate(bucket, from, to) as IterableIterator<[number, string]>;
        for (const [key, vals] of rows) folder.addRecord(key, vals);
      }
      return folder.finish();
    },

    takeDirty({ tier, limit, markedBefore }) {
      const rows = sql(
        `SELECT d.bucket, d.cell, b.type FROM aggregate_dirty d JOIN buckets b ON b.rowid = d.bucket
         WHERE d.tier = ? AND d.marked_at < ? ORDER BY d.bucket, d.cell LIMIT ?`,
      ).all(tier, markedBefore, limit) as { bucket: number; cell: number; type: AggregatedType }[];
      return rows.map((row): DirtyCell => ({ ...row, tier, version: 0 }));
    },

    writeCells({ tier, cells }) {
      const clear = sql('DELETE FROM aggregates WHERE bucket = ? AND tier = ? AND cell = ?');
      const save = sql(
        `INSERT OR REPLACE INTO aggregates (bucket, tier, cell, records, figures)
         VALUES (?, ?, ?, ?, ?)`,
      );
      const unmark = sql('DELETE FROM aggregate_dirty WHERE bucket = ? AND cell = ? AND tier = ?');
      const markParent = sql(
        'INSERT OR IGNORE INTO aggregate_dirty (bucket, cell, tier, marked_at) VALUES (?, ?, ?, 0)',
      );
      for (const { mark, groups, parent } of cells) {
        const { bucket, cell } = mark;
        const records = groups.find((group) => group.series === 0)?.n ?? 0;
        if (records === 0) clear.run(bucket, tier, cell);
        else save.run(bucket, tier, cell, records, encodeFigures(groups));
        unmark.run(bucket, cell, tier);
        if (parent !== undefined) markParent.run(bucket, parent, tier + 1);
      }
      return cells.length;
    },
  };
}

export function downsampleMethods(
  sqlite: SqliteDb,
  records: SqliteRecords,
  sweeper: SqliteSweeper,
  reads: Pick<Store, 'downsampleRecords'>,
): DownsampleMethods {
  const operations = sqliteOperations(sqlite);
  const { groupCommit } = sqlite;
  return {
    downsampleRecords: reads.downsampleRecords,

    maintain(now = Date.now()) {
      // One job of the group commit: it shares its commit (and fsync) with the writes around it.
      return groupCommit.submit(() => {
        const sweep = sweeper.step();
        const backlog = records.trimBacklog();
        const sealing = records.sealStep();
        // By the real clock: `now` may run ahead to settle recent cells.
        const expiring = expireRateWindows(sqlite, Date.now());
        const ageing = expireActivity(sqlite, Date.now());
        const tokens = expireLinkTokens(sqlite, Date.now());
        const { more } = runSync(maintainProgram(now), operations);
        return {
          more: sweep.more || backlog.more || sealing.more || expiring || ageing || tokens || more,
          trimmed: backlog.trimmed,
          swept: sweep.swept,
        };
      });
    },
  };
}
