import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type CommitObserver, GroupCommit } from './group-commit.ts';
import { migrate } from './schema.ts';
import { type ServerLock, takeServerLock } from './server-lock.ts';
import { statementCache } from './statements.ts';
import { fileSyncWal, type SyncWal, WalSync } from './wal-sync.ts';

/** What the SQLite store's method groups share: the database, its statements, the group commit. */
export interface SqliteDb {
  db: Database.Database;
  /** Prepares each SQL text once and reuses the statement (see statements.ts). */
  sql(text: string): Database.Statement;
  groupCommit: GroupCommit;
  /**
   * The server's connection: commits write the WAL without fsync, and this makes them durable
   * off the event loop (see wal-sync.ts). Absent elsewhere: COMMIT itself fsyncs.
   */
  walSync?: WalSync;
  /** Closes the database (once its syncs are done) and gives up the server lock. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /**
   * How long a statement waits for a lock another process holds (the CLI writing while the
   * server runs) before it fails with SQLITE_BUSY, which the store raises as
   * StoreUnavailable. better-sqlite3 waits synchronously: this process does nothing else
   * meanwhile, so the bound matters.
   */
  timeoutMs: number;
  /**
   * Take the server lock (see server-lock.ts), and commit without fsync on the event loop:
   * the WAL is synced on the thread pool before a write is acknowledged (see wal-sync.ts).
   * Without it (the CLI: a short-lived process with no event loop to keep free) every COMMIT
   * fsyncs (synchronous=FULL).
   */
  asServer: boolean;
  /**
   * With asServer: what makes the WAL durable (default: fdatasync of the -wal file). Tests
   * pass one they hold, to show that no write is acknowledged before its sync completed.
   */
  syncWal?: SyncWal;
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

/**
 * Opens (creating if needed) the database file in WAL mode, every write durable before it is
 * acknowledged: the server's connection syncs the WAL off the event loop (see wal-sync.ts),
 * any other fsyncs at each commit.
 */
export function connect(path: string, options: ConnectOptions): SqliteDb {
  const onDisk = path !== ':memory:';
  if (onDisk) mkdirSync(dirname(path), { recursive: true });
  const server = options.asServer && onDisk;
  const lock: ServerLock | undefined = server ? takeServerLock(path) : undefined;
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: options.timeoutMs });
    db.pragma('journal_mode = WAL');
    // FULL: every commit fsyncs the WAL. NORMAL: only checkpoints sync (the WAL before
    // copying it into the database, the database before the WAL is reused); the server
    // syncs the WAL itself after each commit, off the event loop.
    db.pragma(server ? 'synchronous = NORMAL' : 'synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (error) {
    lock?.release();
    throw error;
  }
  // Opened after migrate: the -wal file exists once the connection has used the database.
  const walFile = server && options.syncWal === undefined ? fileSyncWal(`${path}-wal`) : undefined;
  const syncWal = options.syncWal ?? walFile?.sync;
  const walSync = server && syncWal ? new WalSync(db, syncWal) : undefined;
  return {
    db,
    sql: statementCache(db),
    groupCommit: new GroupCommit(db, options.commitObserver, walSync),
    walSync,
    async close() {
      await walSync?.idle();
      await walFile?.close();
      db.close();
      lock?.release();
    },
  };
}
