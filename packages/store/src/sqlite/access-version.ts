import type { AccessVersion } from '../roles/tenancy.ts';
import type { SqliteDb } from './connection.ts';

/**
 * Columns whose change cannot alter what an API key may touch, nor any field a cached key or
 * bucket carries: they change with every write or use, and are left out of the triggers (an
 * update of them alone keeps every cache). Every other column counts, one added later too.
 */
export const VOLATILE_COLUMNS = {
  api_keys: ['last_used_at'],
  buckets: [
    'record_count',
    'write_seq',
    'last_write_at',
    'sealed_through',
    'unsealed',
    'raw_records',
    'late_records',
  ],
  dashboards: [],
} as const satisfies Record<string, readonly string[]>;

/**
 * The SQLite store's AccessVersion: a counter that TEMP triggers on this connection raise
 * (through a function of this process, `bg_access_changed`) whenever it changes a key, a
 * bucket or a dashboard (other than their volatile columns), plus `PRAGMA data_version`,
 * which changes whenever another connection (the admin CLI, another tool) commits. TEMP
 * triggers live only on this connection and leave the file unchanged. A change rolled back
 * after its trigger ran has raised the counter all the same: one needless refill, never a
 * stale entry.
 *
 * The counter is a variable: no statement per call (a TEMP table's counter read was 1.2 µs a
 * call under load, 1.6 % of batch 1). `data_version` opens a read transaction: 1.7 µs on an
 * idle database, 11–12 µs in bench:reads beside the reader threads, twice a request. So it is
 * read once per turn of the event loop (again after the turn's setImmediate phase). Another
 * process's commit is then seen from the next turn, which is still before any request sent
 * after that commit is read from its socket.
 */
export function accessVersionOf({ db }: SqliteDb): AccessVersion {
  let changes = 0;
  db.function('bg_access_changed', { deterministic: false, varargs: false }, () => {
    changes++;
    return null;
  });
  for (const table of Object.keys(VOLATILE_COLUMNS) as (keyof typeof VOLATILE_COLUMNS)[]) {
    const volatile: readonly string[] = VOLATILE_COLUMNS[table];
    const columns = (db.pragma(`table_info(${table})`) as { name: string }[])
      .map((column) => column.name)
      .filter((name) => !volatile.includes(name));
    const raise = 'BEGIN SELECT bg_access_changed(); END';
    db.exec(`
      CREATE TEMP TRIGGER IF NOT EXISTS ${table}_access_updated
        AFTER UPDATE OF ${columns.join(', ')} ON main.${table} ${raise};
      CREATE TEMP TRIGGER IF NOT EXISTS ${table}_access_deleted
        AFTER DELETE ON main.${table} ${raise};
    `);
  }
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let seen = { changes: -1, dataVersion: -1 };
  let dataVersionThisTurn: number | undefined;
  let version = 0;
  return {
    current() {
      if (dataVersionThisTurn === undefined) {
        dataVersionThisTurn = dataVersion.get() as number;
        setImmediate(() => {
          dataVersionThisTurn = undefined;
        });
      }
      if (changes !== seen.changes || dataVersionThisTurn !== seen.dataVersion) {
        seen = { changes, dataVersion: dataVersionThisTurn };
        version++;
      }
      return version;
    },
  };
}
