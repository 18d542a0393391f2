import { UniqueViolation } from '../store.ts';

/** Turns SQLite's unique-constraint error into the store's UniqueViolation. */
export function rethrowUnique(error: unknown): never {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('UNIQUE constraint failed')) {
    if (message.includes('users.email')) throw new UniqueViolation('email');
    if (message.includes('users.workspace')) throw new UniqueViolation('workspace');
    if (message.includes('dashboards.')) throw new UniqueViolation('slug');
    if (message.includes('memberships.')) throw new UniqueViolation('membership');
  }
  throw error;
}
