import { AppError } from '@bucketgrid/shared';
import { backupSqlite, restoreSqlite, sqlitePathOf } from '@bucketgrid/store';
import type { OptionSpec } from './commands.ts';

/**
 * Commands on the database file itself, without opening the store: `backup` and `restore`
 * (SQLite; MongoDB has mongodump and mongorestore, see docs/backups.md).
 */
export interface DatabaseCommand {
  summary: string;
  options: Record<string, OptionSpec>;
  run(databasePath: string, options: Record<string, string>): Promise<Record<string, unknown>>;
}

export const databaseCommands: Record<string, DatabaseCommand> = {
  backup: {
    summary:
      'Write a consistent copy of the SQLite database to FILE, also while the server runs and writes.',
    options: { out: { value: 'FILE', description: 'the backup file to write (replaced)' } },
    run: async (databasePath, o) => {
      const started = Date.now();
      const { pages } = await backupSqlite(databasePath, o.out!);
      return { backup: o.out, pages, ms: Date.now() - started };
    },
  },
  restore: {
    summary:
      'Replace the SQLite database by a backup (refused while a server uses the database: stop it first).',
    options: { from: { value: 'FILE', description: 'the backup file to restore' } },
    run: async (databasePath, o) => {
      const { pages } = restoreSqlite(o.from!, databasePath);
      return { restored: databasePath, from: o.from, pages };
    },
  },
};

/** The SQLite file DATABASE_URL names; MongoDB has tools of its own for this. */
export function databasePathOrThrow(databaseUrl: string | undefined): string {
  const path = sqlitePathOf(databaseUrl);
  if (path === undefined) {
    throw new AppError(
      'invalid_input',
      'backup and restore are for SQLite databases; for MongoDB use mongodump and mongorestore (docs/backups.md)',
    );
  }
  return path;
}
