import type {
  AccountEventKind,
  ActivityAction,
  ActivityActor,
  ActivityTarget,
} from '@bucketgrid/shared';

/**
 * The activity log of each dashboard, and the history of each account. A change worth logging
 * passes an `Activity` to the store method that makes it, and the backend writes the entry in
 * the same transaction as the change: a change is never without its entry, nor an entry
 * without its change (docs/sharing.md, "Activity log").
 */

/** One entry to write with a change. */
export interface Activity {
  /** The dashboard whose log holds it. */
  dashboardId: string;
  at: number;
  actor: ActivityActor;
  action: ActivityAction;
  target: ActivityTarget;
  /** What changed, where something changed (JSON values, small). */
  before?: unknown;
  after?: unknown;
  /** The client's address; null when there is none (the CLI). */
  address: string | null;
}

export interface ActivityEntry extends Activity {
  id: string;
  before: unknown;
  after: unknown;
}

export interface ActivityFilter {
  actorType?: ActivityActor['type'];
  actorId?: string;
  action?: ActivityAction;
  /** Inclusive bounds on `at`. */
  from?: number;
  to?: number;
}

export interface ActivityPage {
  entries: ActivityEntry[];
  /** Pass as `before` for the next (older) page; null: this was the last. */
  nextCursor: string | null;
}

export interface AccountEvent {
  id: string;
  userId: string;
  at: number;
  kind: AccountEventKind;
  address: string | null;
  /** The browser's user agent, cut to MAX_USER_AGENT characters. */
  userAgent: string | null;
}

/**
 * Entries and account events older than ACTIVITY_RETENTION_MS are removed by upkeep
 * (`maintain`), a batch per step.
 */
export interface ActivityStore {
  /**
   * Newest first (ties by id, descending), `limit` at a time, of one dashboard only: an
   * entry is never read through another dashboard. `cursor`: a page's `nextCursor`.
   */
  listActivity(
    dashboardId: string,
    filter: ActivityFilter,
    page: { limit: number; cursor?: string | null },
  ): Promise<ActivityPage>;
  /** Notes a sign-in or a password change of an account. */
  addAccountEvent(event: Omit<AccountEvent, 'id'>): Promise<void>;
  /** Newest first, at most `limit`. */
  listAccountEvents(userId: string, limit: number): Promise<AccountEvent[]>;
}
