import Database from 'better-sqlite3';

/**
 * One server process per SQLite file. A server keeps state of its own beside the database
 * (live-update subscribers, rate-limit windows, its group commit),
 * and SQLite lets one process write at a time anyway, so a second server on the same file
 * would add no throughput and would quietly split that state. This lock makes the second
 * one fail at startup instead.
 *
 * The lock is an exclusive lock (SQLite's `locking_mode = EXCLUSIVE`) that this process holds
 * on a small database beside the data file for as long as it runs. The operating system
 * releases it when the process exits, however it exits, so a crash leaves nothing stale.
 * Tools (the admin CLI) do not take it: they share the data file with the running server
 * through SQLite's own locking, their writes waiting for the server's (busy_timeout).
 */
export interface ServerLock {
  release(): void;
}

export function serverLockPath(databasePath: string): string {
  return `${databasePath}.server-lock`;
}

export function takeServerLock(databasePath: string): ServerLock {
  const path = serverLockPath(databasePath);
  // timeout 0: a lock held by another process fails at once instead of waiting.
  const lock = new Database(path, { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    // No journal file beside the lock: it holds nothing worth a rollback.
    lock.pragma('journal_mode = OFF');
    // The first write takes the exclusive lock, and EXCLUSIVE mode never gives it back.
    lock.exec('CREATE TABLE IF NOT EXISTS server (pid INTEGER); DELETE FROM server;');
    lock.prepare('INSERT INTO server (pid) VALUES (?)').run(process.pid);
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new Error(
        `Another Bucketgrid server is using ${databasePath} (it holds ${path}). A SQLite ` +
          'database is served by one server process: stop the other one, give this one its ' +
          'own DATABASE_URL, or run several processes on MongoDB.',
      );
    }
    throw error;
  }
  return { release: () => lock.close() };
}
