import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommit } from './group-commit.ts';
import { migrate } from './schema.ts';

/** What the SQLite store's method groups share: the database, its statements, the group commit. */
export interface SqliteDb {
  db: Database.Database;
  /** Prepares each SQL text once and reuses the statement. */
  sql(text: string): Database.Statement;
  groupCommit: GroupCommit;
}

export type Row = Record<string, unknown>;

/** Opens (creating if needed) the database file, in WAL mode with full fsync on commit. */
export function connect(path: string): SqliteDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: every commit fsyncs the WAL, so an acknowledged write survives a power loss.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const statements = new Map<string, Database.Statement>();
  return {
    db,
    sql(text) {
      let statement = statements.get(text);
      if (!statement) {
        statement = db.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
    groupCommit: new GroupCommit(db),
  };
}
