import type { CommitObserver } from './sqlite/group-commit.ts';
import type { Store } from './store.ts';

export type { CommitObserver };

export interface StoreOptions {
  /** Told about each SQLite group commit (for metrics); MongoDB has none to tell. */
  commitObserver?: CommitObserver;
}

export const DEFAULT_DATABASE_URL = 'file:./data/bucketgrid.db';

/**
 * Opens the store that DATABASE_URL names: `file:PATH` for embedded SQLite (the default),
 * `mongodb://` or `mongodb+srv://` for MongoDB. Each backend is imported only when chosen,
 * so a SQLite deployment never loads mongoose.
 */
export async function openStore(databaseUrl?: string, options: StoreOptions = {}): Promise<Store> {
  // An empty DATABASE_URL (a blank line in an env file) means the default, like an unset one.
  databaseUrl ||= DEFAULT_DATABASE_URL;
  if (databaseUrl.startsWith('file:')) {
    const { openSqliteStore } = await import('./sqlite/sqlite-store.ts');
    return openSqliteStore(databaseUrl.slice('file:'.length), options.commitObserver);
  }
  if (databaseUrl.startsWith('mongodb://') || databaseUrl.startsWith('mongodb+srv://')) {
    const { openMongoStore } = await import('./mongo/mongo-store.ts');
    return openMongoStore(databaseUrl);
  }
  throw new Error('DATABASE_URL must start with file:, mongodb:// or mongodb+srv://');
}
