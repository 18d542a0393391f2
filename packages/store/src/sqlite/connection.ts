import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type CommitObserver, GroupCommit } from './group-commit.ts';
import { migrate } from './schema.ts';
import { type ServerLock, takeServerLock } from './server-lock.ts';
import { statementCache } from './statements.ts';

/** What the SQLite store's method groups share: the database, its statements, the group commit. */
export interface SqliteDb {
  db: Database.Database;
  /** Prepares each SQL text once and reuses the statement (see statements.ts). */
  sql(text: string): Database.Statement;
  groupCommit: GroupCommit;
  /** Closes the database and gives up the server lock. */
  close(): void;
}

export interface ConnectOptions {
  /**
   * How long a statement waits for a lock another process holds (the CLI writing while the
   * server runs) before it fails with SQLITE_BUSY, which the store raises as
   * StoreUnavailable. better-sqlite3 waits synchronously: this process does nothing else
   * meanwhile, so the bound matters.
   */
  timeoutMs: number;
  /** Take the server lock (see server-lock.ts). */
  asServer: boolean;
  /** Told about each group commit (for metrics). */
  commitObserver?: CommitObserver;
  /** Threads that run record reads (see reader-pool.ts); 0 runs them on this connection. */
  readerThreads?: number;
  /**
   * Store TSV and IV records in chunks (docs/storage.md): in-order writes as raw chunks,
   * upkeep encoding them and sealing rows. On by default; off, records stay rows, as before,
   * though chunks a store wrote with it on are still read, written and deleted correctly.
   */
  seriesChunks?: boolean;
  /**
   * With seriesChunks: records a TSV or IV bucket keeps unencoded after a write before the
   * write encodes the rest (default DEFAULT_HEAD_RECORDS in records.ts). 0 seals every record
   * a write leaves: tests use it to send every change through the sealed paths.
   */
  headRecords?: number;
}

export type Row = Record<string, unknown>;

/** Opens (creating if needed) the database file, in WAL mode with full fsync on commit. */
export function connect(path: string, options: ConnectOptions): SqliteDb {
  const onDisk = path !== ':memory:';
  if (onDisk) mkdirSync(dirname(path), { recursive: true });
  const lock: ServerLock | undefined =
    options.asServer && onDisk ? takeServerLock(path) : undefined;
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.timeoutMs });
    db.pragma('journal_mode = WAL');
    // FULL: every commit fsyncs the WAL, so an acknowledged write survives a power loss.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (error) {
    lock?.release();
    throw error;
  }
  return {
    db,
    sql: statementCache(db),
    groupCommit: new GroupCommit(db, options.commitObserver),
    close() {
      db.close();
      lock?.release();
    },
  };
}
