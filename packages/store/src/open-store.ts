import type { CommitObserver } from './sqlite/group-commit.ts';
import type { Store } from './store.ts';

export type { CommitObserver };

export const DEFAULT_DATABASE_URL = 'file:./data/bucketgrid.db';

/** How long one store call may wait on the database unless told otherwise. */
export const DEFAULT_STORE_TIMEOUT_MS = 5_000;

export interface StoreOptions {
  /**
   * How long one operation may wait on the database (a lock, a primary, a majority) before
   * it fails with StoreUnavailable. Default DEFAULT_STORE_TIMEOUT_MS.
   */
  timeoutMs?: number;
  /**
   * Opens the store for the server process, which keeps state of its own beside the
   * database. SQLite: refuses when another server process has the file open (see
   * sqlite/server-lock.ts); tools such as the CLI open it without this and share it.
   * MongoDB serves any number of server processes and ignores this.
   */
  asServer?: boolean;
  /** Told about each SQLite group commit (for metrics); MongoDB has none to tell. */
  commitObserver?: CommitObserver;
  /**
   * SQLite: threads that run record reads beside the writer (default 2, see
   * sqlite/reader-pool.ts); 0 runs them on the event loop. MongoDB ignores this.
   */
  readerThreads?: number;
  /** SQLite: TSV and IV records in chunks (see sqlite/connection.ts); on by default. */
  seriesChunks?: boolean;
  /** SQLite, with seriesChunks: records a bucket keeps unencoded after a write. */
  headRecords?: number;
}

/** The SQLite file DATABASE_URL names (`file:PATH`), or undefined for MongoDB. */
export function sqlitePathOf(databaseUrl?: string): string | undefined {
  const url = databaseUrl || DEFAULT_DATABASE_URL;
  return url.startsWith('file:') ? url.slice('file:'.length) : undefined;
}

/**
 * Opens the store that DATABASE_URL names: `file:PATH` for embedded SQLite (the default),
 * `mongodb://` or `mongodb+srv://` for MongoDB. Each backend is imported only when chosen,
 * so a SQLite deployment never loads mongoose.
 */
export async function openStore(databaseUrl?: string, options: StoreOptions = {}): Promise<Store> {
  // An empty DATABASE_URL (a blank line in an env file) means the default, like an unset one.
  databaseUrl ||= DEFAULT_DATABASE_URL;
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  if (databaseUrl.startsWith('file:')) {
    const { openSqliteStore } = await import('./sqlite/sqlite-store.ts');
    return openSqliteStore(databaseUrl.slice('file:'.length), {
      timeoutMs,
      asServer: options.asServer ?? false,
      commitObserver: options.commitObserver,
      readerThreads: options.readerThreads,
      seriesChunks: options.seriesChunks,
      headRecords: options.headRecords,
    });
  }
  if (databaseUrl.startsWith('mongodb://') || databaseUrl.startsWith('mongodb+srv://')) {
    const { openMongoStore } = await import('./mongo/mongo-store.ts');
    return openMongoStore(databaseUrl, { timeoutMs });
  }
  throw new Error('DATABASE_URL must start with file:, mongodb:// or mongodb+srv://');
}
