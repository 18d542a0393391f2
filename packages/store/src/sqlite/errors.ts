import { MissingEntity, StoreUnavailable, UniqueViolation } from '../store.ts';
import type { SqliteDb } from './connection.ts';

/** Turns SQLite's unique-constraint error into the store's UniqueViolation. */
export function rethrowUnique(error: unknown): never {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('UNIQUE constraint failed')) {
    if (message.includes('users.email')) throw new UniqueViolation('email');
    if (message.includes('users.workspace')) throw new UniqueViolation('workspace');
    if (message.includes('dashboards.')) throw new UniqueViolation('slug');
    if (message.includes('memberships.')) throw new UniqueViolation('membership');
    if (message.includes('invitations.')) throw new UniqueViolation('invitation');
  }
  throw error;
}

/**
 * Turns "the database is locked" (SQLITE_BUSY and its variants, after busy_timeout, or at
 * once when a transaction's snapshot went stale under another process's write) into
 * StoreUnavailable; returns any other error unchanged.
 */
export function mapBusy(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
  ) {
    return new StoreUnavailable(`the database is locked (${code})`);
  }
  return error;
}

/** SQLite refused a row whose reference (a dashboard, a user) does not exist. */
export function isForeignKeyFailure(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * Which reference a foreign-key failure of a row under a dashboard was about (SQLite does not
 * say): the dashboard when it does not exist, else `other`.
 */
export function missingReference({ sql }: SqliteDb) {
  return (other: MissingEntity['entity'], dashboardId: string): MissingEntity => {
    const dashboard = sql('SELECT 1 FROM dashboards WHERE id = ?').get(dashboardId);
    return new MissingEntity(dashboard ? other : 'dashboard');
  };
}
