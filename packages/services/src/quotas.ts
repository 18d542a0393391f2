import { AppError } from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';

/**
 * What one account may hold (docs/architecture.md, "Limits and abuse"): far above any real
 * use, far below what a script makes in a second (300 dashboards, buckets and keys took
 * 0.9 s). Enforced here, so tRPC and the CLI refuse alike.
 */
export const QUOTAS = {
  /** Dashboards one account owns. */
  dashboardsPerAccount: 500,
  /** Buckets of one dashboard. */
  bucketsPerDashboard: 100,
  /** API keys of one dashboard that are not revoked. */
  apiKeysPerDashboard: 50,
  /** Sessions of one user: signing in past it ends the one idle longest. */
  sessionsPerUser: 20,
};

/** Quota checks and the creations they allow, per scope, waiting for each other. */
const running = new Map<string, Promise<void>>();

/**
 * Runs `create` if `count()` is below `limit`, else throws `quota_exceeded` with `message`.
 * Creations of one scope run one at a time in this process: a tRPC batch runs its calls
 * concurrently, and twenty checks before twenty inserts would all pass.
 */
export async function withinQuota<T>(
  scope: string,
  limit: number,
  count: () => Promise<number>,
  message: string,
  create: () => Promise<T>,
): Promise<T> {
  const before = running.get(scope) ?? Promise.resolve();
  let release!: () => void;
  const mine = before.then(() => new Promise<void>((resolve) => (release = resolve)));
  running.set(scope, mine);
  await before;
  try {
    if ((await count()) >= limit) throw new AppError('quota_exceeded', message);
    return await create();
  } finally {
    release();
    if (running.get(scope) === mine) running.delete(scope);
  }
}

/** Ends the user's sessions past the quota, those that expire first (idle longest). */
export async function trimSessions(store: Store, userId: string): Promise<void> {
  const sessions = await store.listUserSessions(userId);
  const excess = sessions.length - QUOTAS.sessionsPerUser;
  if (excess <= 0) return;
  const oldest = sessions.sort((a, b) => a.expiresAt - b.expiresAt).slice(0, excess);
  await Promise.all(oldest.map((session) => store.deleteSession(session.id)));
}
