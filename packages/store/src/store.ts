import type { EventLog } from './event-log.ts';
import type { AccountStore } from './roles/accounts.ts';
import type { ActivityStore } from './roles/activity.ts';
import type { AlertStore } from './roles/alerts.ts';
import type { InvitationStore } from './roles/invitations.ts';
import type { PasswordResetStore } from './roles/password-resets.ts';
import type { RateWindowStore } from './roles/rate-windows.ts';
import type { SeriesStore } from './roles/series.ts';
import type { ShareLinkStore } from './roles/share-links.ts';
import type { AccessVersion, TenancyStore } from './roles/tenancy.ts';

export * from './errors.ts';
export type * from './roles/accounts.ts';
export type * from './roles/activity.ts';
export type * from './roles/alerts.ts';
export type * from './roles/invitations.ts';
export type * from './roles/password-resets.ts';
export type * from './roles/rate-windows.ts';
export type * from './roles/series.ts';
export type * from './roles/share-links.ts';
export type * from './roles/tenancy.ts';

/**
 * The one interface the rest of Bucketgrid talks to: one role interface per concern
 * (`roles/`), each implemented by both backends (`sqlite/`, `mongo/`) and held to the same
 * behaviour by `test/contract/`. Methods that find nothing return null (never throw) so
 * callers decide what "not found" means to their client.
 */
export interface Store
  extends AccountStore,
    TenancyStore,
    SeriesStore,
    RateWindowStore,
    ActivityStore,
    InvitationStore,
    PasswordResetStore,
    ShareLinkStore,
    AlertStore {
  readonly backend: 'sqlite' | 'mongodb';
  /**
   * How live events travel between the server processes sharing this store; absent where
   * one server process serves the database (SQLite), whose events stay in the process.
   */
  readonly eventLog?: EventLog;
  /** Present where a cache of keys and buckets can be kept exact cheaply (SQLite). */
  readonly accessVersion?: AccessVersion;
  /** Throws when the database cannot be reached (for /readyz). */
  ping(): Promise<void>;
  /** Waits for pending writes, then closes. */
  close(): Promise<void>;
}
