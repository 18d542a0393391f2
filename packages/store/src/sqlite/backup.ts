import { copyFileSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { takeServerLock } from './server-lock.ts';

/**
 * Backups of a SQLite database, safe while a server runs and writes.
 *
 * Copying the file is not: a copy taken during a commit, or without its WAL file, is a torn or
 * stale database. SQLite's online backup API reads the database through SQLite, in a read
 * transaction, so the copy is the database exactly as one commit left it. In WAL mode (ours)
 * readers do not block the writer, so the server keeps writing while the copy is made.
 */

export interface BackupResult {
  /** Database pages copied (the file's size is pages × page size). */
  pages: number;
}

/** Writes a consistent copy of the database at `databasePath` to `outPath` (replaced). */
export async function backupSqlite(databasePath: string, outPath: string): Promise<BackupResult> {
  const source = new Database(databasePath, {
    readonly: true,
    fileMustExist: true,
    timeout: 10_000,
  });
  const partial = `${outPath}.partial`;
  try {
    // The backup restarts whenever another connection (the server) writes between two of its
    // steps; copying every page in one step (one read transaction) makes it finish, however
    // busy the server, with the database as of that transaction.
    const { totalPages } = await source.backup(partial, { progress: () => 0x7fffffff });
    // A finished copy replaces the old file at once; a failed one never does.
    renameSync(partial, outPath);
    return { pages: totalPages };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
}

/**
 * Replaces the database at `databasePath` by the backup at `fromPath`. Refused while a server
 * holds the database (its server lock): a server would keep serving, and overwriting, the data
 * the restore replaces. The backup is checked (SQLite's integrity check) before anything is
 * replaced.
 */
export function restoreSqlite(fromPath: string, databasePath: string): BackupResult {
  const backup = new Database(fromPath, { readonly: true, fileMustExist: true });
  let pages: number;
  try {
    const check = backup.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`${fromPath} is not an intact SQLite database: ${check}`);
    pages = backup.pragma('page_count', { simple: true }) as number;
  } finally {
    backup.close();
  }
  const lock = takeServerLock(databasePath);
  try {
    const staged = `${databasePath}.restoring`;
    copyFileSync(fromPath, staged);
    // The old database's write-ahead log belongs to the old file: left beside the new one, it
    // would be replayed into it.
    rmSync(`${databasePath}-wal`, { force: true });
    rmSync(`${databasePath}-shm`, { force: true });
    renameSync(staged, databasePath);
  } finally {
    lock.release();
  }
  return { pages };
}
