import {
  type ActivityAction,
  type ActivityActor,
  type ActivityTarget,
  MAX_ACTIVITY_PAGE,
} from '@bucketgrid/shared';
import type {
  Activity,
  ActivityFilter,
  ActivityPage,
  ApiKeyRecord,
  Store,
} from '@bucketgrid/store';

/**
 * Who makes a change, and from where: what the activity log records beside the change. Each
 * entry point builds it once (tRPC from the signed-in user, REST from the API key, the CLI as
 * itself) and hands it to the services, which note the change through the store.
 */
export interface ChangeAuthor {
  actor: ActivityActor;
  /** The client's address; null for the CLI. */
  address: string | null;
  /** The clock the entry point runs on (the server's, which tests move). */
  now: () => number;
}

export const CLI_AUTHOR: ChangeAuthor = {
  actor: { type: 'cli', id: null, label: 'admin CLI' },
  address: null,
  now: Date.now,
};

export function userAuthor(
  user: { id: string; email: string },
  address: string,
  now: () => number = Date.now,
): ChangeAuthor {
  return { actor: { type: 'user', id: user.id, label: user.email }, address, now };
}

export function apiKeyAuthor(
  key: Pick<ApiKeyRecord, 'id' | 'name' | 'hint'>,
  address: string,
  now: () => number = Date.now,
): ChangeAuthor {
  const label = `${key.name} (${key.hint}…)`;
  return { actor: { type: 'apiKey', id: key.id, label }, address, now };
}

/** The entry for a change, or none when no author was given (store-level tooling, tests). */
export function noteOf(
  by: ChangeAuthor | undefined,
  dashboardId: string,
  action: ActivityAction,
  target: ActivityTarget,
  change: { before?: unknown; after?: unknown } = {},
): Activity | undefined {
  if (!by) return undefined;
  const { actor, address } = by;
  return { dashboardId, at: by.now(), actor, action, target, ...change, address };
}

/** One page of a dashboard's log, newest first; `limit` is capped at MAX_ACTIVITY_PAGE. */
export function listActivity(
  store: Store,
  dashboardId: string,
  filter: ActivityFilter,
  page: { limit: number; cursor?: string | null },
): Promise<ActivityPage> {
  return store.listActivity(dashboardId, filter, {
    limit: Math.max(1, Math.min(page.limit, MAX_ACTIVITY_PAGE)),
    cursor: page.cursor ?? null,
  });
}
