import type { ClientSession } from 'mongoose';
import { MissingEntity } from '../store.ts';
import type { Models } from './models.ts';

/*
 * MongoDB has no foreign keys: what SQLite's refuse (a bucket, key or member of a dashboard
 * that does not exist, a session or membership of an unknown user), these checks refuse,
 * with the same MissingEntity.
 */

/**
 * For a transaction that creates something under a dashboard: fails with MissingEntity when
 * the dashboard does not exist, and otherwise writes its document (`rev`). Reading it alone
 * would not do: MongoDB's transactions conflict only on documents both of them write, so a
 * creation that only read the dashboard and its deletion running at the same time would both
 * commit, and the new bucket, key or member would outlive its dashboard. Both writing the
 * dashboard's document, they conflict, and the one that retries sees what the other did.
 * Returns the dashboard's retention.
 */
export async function claimDashboard(
  models: Models,
  session: ClientSession,
  dashboardId: string,
): Promise<{ retention: number }> {
  const dashboard = await models.dashboards
    .findOneAndUpdate(
      { _id: dashboardId },
      { $inc: { rev: 1 } },
      { session, projection: { retention: 1 } },
    )
    .lean<{ retention: number }>();
  if (!dashboard) throw new MissingEntity('dashboard');
  return dashboard;
}

/** Fails with MissingEntity when the user does not exist (users are never deleted). */
export async function requireUser(
  models: Models,
  userId: string,
  session?: ClientSession,
): Promise<void> {
  const user = await models.users.exists({ _id: userId }).session(session ?? null);
  if (!user) throw new MissingEntity('user');
}
