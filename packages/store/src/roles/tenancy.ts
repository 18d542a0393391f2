import type {
  ApiKeyType,
  BucketType,
  DashboardLayout,
  KeyPermission,
  LayoutContent,
  Role,
  SeriesMeta,
} from '@bucketgrid/shared';
import type { Activity } from './activity.ts';

/**
 * Who owns what: dashboards, their members, buckets, widget layout and API keys. All times are
 * unix milliseconds; all ids are opaque, URL-safe, unguessable strings.
 */

export interface Dashboard {
  id: string;
  /** The workspace (slug) it lives in: its creator's. */
  workspace: string;
  slug: string;
  name: string;
  retention: number;
  createdAt: number;
}

export interface Membership {
  dashboardId: string;
  userId: string;
  role: Role;
  createdAt: number;
}

export interface MemberWithUser extends Membership {
  email: string;
  name: string;
}

/**
 * A number that changes whenever what an API key may touch may have changed: a key's scope,
 * expiry or revocation, a bucket's dashboard, type, name or series, a dashboard, deleted
 * anything, or anything committed by another process (seen from the next turn of the event
 * loop). It lets a caller keep keys and buckets in memory and still refuse a revoked key on
 * its very next request. Read synchronously, on every request of the REST API; a backend that
 * cannot tell this cheaply (MongoDB: many processes, no shared counter) has none, and its
 * callers look up every time.
 */
export interface AccessVersion {
  current(): number;
}

export interface Bucket {
  id: string;
  dashboardId: string;
  name: string;
  type: BucketType;
  /** The owning dashboard's retention: the most records this bucket keeps. */
  retention: number;
  recordCount: number;
  lastWriteAt: number | null;
  createdAt: number;
  /** How the bucket describes its series keys (names, units, colours), by series key. */
  series: SeriesMeta[];
}

/**
 * A bucket without the counts that change with every write: what reaching it, writing to it
 * and reading from it need. Record operations take this, so a bucket kept in memory (the
 * REST API's AccessCache) serves them without a stale count.
 */
export type BucketRef = Omit<Bucket, 'recordCount' | 'lastWriteAt'>;

export interface ApiKeyRecord {
  id: string;
  dashboardId: string;
  name: string;
  type: ApiKeyType;
  /** Hex SHA-256 of the full key: the key itself is never stored. */
  hash: string;
  hint: string;
  /** What it may do: a non-empty set, in the order write, read, delete. */
  scopes: KeyPermission[];
  /** The only buckets of its dashboard it may touch; null: every bucket. */
  bucketIds: string[] | null;
  /** The user who created it, or null when made by the admin CLI. */
  createdBy: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** A key to create; without scopes it holds all three permissions on every bucket. */
export type NewApiKey = Omit<
  ApiKeyRecord,
  'id' | 'revokedAt' | 'lastUsedAt' | 'scopes' | 'bucketIds'
> &
  Partial<Pick<ApiKeyRecord, 'scopes' | 'bucketIds'>>;

/** A layout save: applied only if the stored version is still `expectedVersion`. */
export interface LayoutSave {
  expectedVersion: number;
  content: LayoutContent;
  updatedBy: string | null;
  at: number;
}

export type SaveLayoutResult =
  | { status: 'saved'; layout: DashboardLayout }
  | { status: 'conflict'; current: DashboardLayout }
  | { status: 'not_found' };

/** A dashboard by its id, or by its path: workspace and slug. */
export type DashboardRef = string | { workspace: string; slug: string };

/**
 * Dashboards, members, layouts, buckets and API keys: the tenancy boundary. Every change takes
 * an optional `activity`, written in the same transaction (roles/activity.ts).
 */
export interface TenancyStore
  extends DashboardStore,
    LayoutStore,
    MemberStore,
    BucketStore,
    ApiKeyStore {}

export interface DashboardStore {
  /** Creates the dashboard and makes `ownerId` its owner, in one step; MissingEntity('user'). */
  createDashboard(
    input: Omit<Dashboard, 'id' | 'createdAt'> & { ownerId: string },
  ): Promise<Dashboard>;
  getDashboard(id: string): Promise<Dashboard | null>;
  /**
   * The dashboard with the user's role in it, in one query that joins both: null when it does
   * not exist and when the user is not a member, after the same work either way.
   */
  getDashboardForMember(
    ref: DashboardRef,
    userId: string,
  ): Promise<(Dashboard & { role: Role }) | null>;
  /** Every dashboard the user is a member of, with their role, oldest first (ties by id). */
  listDashboardsForUser(userId: string): Promise<(Dashboard & { role: Role })[]>;
  updateDashboard(
    id: string,
    patch: Partial<Pick<Dashboard, 'name' | 'slug' | 'retention'>>,
    activity?: Activity,
  ): Promise<Dashboard | null>;
  /**
   * Deletes the dashboard with its buckets, keys, memberships and layout at once: none of
   * them is found by any read from then on, and no write reaches its buckets. Their records
   * go in batches in later upkeep steps (`maintain`), which resume after a crash.
   */
  deleteDashboard(id: string, activity?: Activity): Promise<void>;
}

export interface LayoutStore {
  /** The dashboard's widget grid (version 0 and no widgets before the first save); null: no such dashboard. */
  getLayout(dashboardId: string): Promise<DashboardLayout | null>;
  /**
   * Saves the grid as version `expectedVersion + 1`, atomically: when someone saved since
   * `expectedVersion`, nothing changes and the current layout comes back as a conflict.
   */
  saveLayout(dashboardId: string, save: LayoutSave, activity?: Activity): Promise<SaveLayoutResult>;
}

export interface MemberStore {
  getMembership(dashboardId: string, userId: string): Promise<Membership | null>;
  /** Oldest first (ties by user id). */
  listMembers(dashboardId: string): Promise<MemberWithUser[]>;
  /** MissingEntity when the dashboard or the user does not exist (checked in that order). */
  addMember(
    dashboardId: string,
    userId: string,
    role: Role,
    activity?: Activity,
  ): Promise<Membership>;
  /**
   * Changes a member's role, or removes the member, in one atomic step that refuses with
   * LastOwner (changing nothing) when the dashboard would be left without an owner, however
   * many such calls run at once. A user who is not a member is no change.
   */
  setMemberRole(
    dashboardId: string,
    userId: string,
    role: Role,
    activity?: Activity,
  ): Promise<void>;
  removeMember(dashboardId: string, userId: string, activity?: Activity): Promise<void>;
}

export interface BucketStore {
  /**
   * MissingEntity('dashboard') when the dashboard does not exist, also when it is deleted
   * concurrently: a bucket never outlives its dashboard (nor does a key or a membership).
   */
  createBucket(
    input: { dashboardId: string; name: string; type: BucketType },
    activity?: Activity,
  ): Promise<Bucket>;
  getBucket(id: string): Promise<Bucket | null>;
  /** Oldest first (ties by id). */
  listBuckets(dashboardId: string): Promise<Bucket[]>;
  renameBucket(id: string, name: string, activity?: Activity): Promise<void>;
  /** Replaces the bucket's series descriptions; null: no such bucket. */
  setBucketSeries(id: string, series: SeriesMeta[], activity?: Activity): Promise<Bucket | null>;
  /**
   * Deletes the bucket at once (no read finds it or its records from then on, no write
   * reaches it); its records go in batches in later upkeep steps (`maintain`), which resume
   * after a crash.
   */
  deleteBucket(id: string, activity?: Activity): Promise<void>;
}

export interface ApiKeyStore {
  /**
   * MissingEntity when the dashboard or the creator does not exist (checked in that order),
   * also when the dashboard is being deleted at the same moment: a key never outlives it.
   */
  createApiKey(input: NewApiKey, activity?: Activity): Promise<ApiKeyRecord>;
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  getApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** Newest first (ties by id, descending: the oldest-first order reversed). */
  listApiKeys(dashboardId: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, at: number, activity?: Activity): Promise<void>;
  setApiKeyExpiry(id: string, expiresAt: number | null, activity?: Activity): Promise<void>;
  /** Replaces what the key may do and which buckets it may touch. */
  setApiKeyScopes(
    id: string,
    scope: Pick<ApiKeyRecord, 'scopes' | 'bucketIds'>,
    activity?: Activity,
  ): Promise<void>;
  /** Records last-used times in one batch (the server coalesces them per minute). */
  touchApiKeys(lastUsed: Map<string, number>): Promise<void>;
}
