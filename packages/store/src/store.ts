import type {
  ApiKeyType,
  BucketType,
  DashboardLayout,
  DataRecord,
  Downsampled,
  DownsampleQuery,
  LayoutContent,
  ReadQuery,
  RecordKey,
  Role,
  SeriesMeta,
} from '@bucketgrid/shared';
import type { EventLog } from './event-log.ts';

/** All times are unix milliseconds. All ids are opaque, URL-safe, unguessable strings. */

export interface User {
  id: string;
  email: string;
  name: string;
  /** The user's workspace slug: the first segment of their dashboards' paths. */
  workspace: string;
  passwordHash: string;
  createdAt: number;
}

export interface Session {
  id: string;
  userId: string;
  expiresAt: number;
}

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

export interface ApiKeyRecord {
  id: string;
  dashboardId: string;
  name: string;
  type: ApiKeyType;
  /** Hex SHA-256 of the full key: the key itself is never stored. */
  hash: string;
  hint: string;
  /** The user who created it, or null when made by the admin CLI. */
  createdBy: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** `merge` (POST) keeps series the write does not name; `replace` (PUT) drops them. */
export type WriteMode = 'merge' | 'replace';

export interface WriteResult {
  inserted: number;
  updated: number;
}

export interface ReadResult {
  records: DataRecord[];
  /** True when more records match after the last one returned. */
  hasMore: boolean;
}

export type RecordSelection = { keys: RecordKey[] } | { from?: RecordKey; to?: RecordKey };

/** What one upkeep step did. */
export interface MaintainResult {
  /** Work remains: call again. */
  more: boolean;
  /** Buckets whose records this step removed (retention), for live views to refresh. */
  trimmed: { bucketId: string; dashboardId: string }[];
  /** Records of deleted buckets this step removed (see deleteBucket). */
  swept: number;
}

/** A change to a rate-limit counter: see `Store.countRateWindows`. */
export interface RateWindowChange {
  /** The counter, named by the caller (what is limited, for whom, in which window). */
  key: string;
  /** Added to the counter; negative gives units back. */
  delta: number;
  /** When the counter's window ends (ms): the store may forget it from then on. */
  expiresAt: number;
}

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

/**
 * What the store raises for outcomes its callers handle (services turn them into API errors);
 * anything else it throws is a fault.
 */
export class StoreError extends Error {}

/** A unique field (email, workspace, slug, membership) is taken. */
export class UniqueViolation extends StoreError {
  constructor(readonly field: 'email' | 'workspace' | 'slug' | 'membership') {
    super(`unique violation on ${field}`);
    this.name = 'UniqueViolation';
  }
}

/**
 * The entity a change was made to (or under, or that it names) does not exist: it never did,
 * or it was deleted meanwhile.
 */
export class MissingEntity extends StoreError {
  constructor(readonly entity: 'bucket' | 'dashboard' | 'user') {
    super(`the ${entity} does not exist`);
    this.name = 'MissingEntity';
  }
}

/** The change would leave a dashboard without an owner; nothing was changed. */
export class LastOwner extends StoreError {
  constructor() {
    super('the dashboard would have no owner left');
    this.name = 'LastOwner';
  }
}

/** A dashboard by its id, or by its path: workspace and slug. */
export type DashboardRef = string | { workspace: string; slug: string };

/**
 * The database did not answer in time or cannot be reached (no primary, no majority to
 * acknowledge, a lock held elsewhere). Callers answer "try again shortly". Like any answer
 * that never came, it leaves open whether a change was applied; record upserts and deletes
 * have the same effect when retried.
 */
export class StoreUnavailable extends StoreError {
  constructor(readonly reason: string) {
    super(`the store is unavailable: ${reason}`);
    this.name = 'StoreUnavailable';
  }
}

/**
 * The one interface the rest of Bucketgrid talks to. `sqlite/` and `mongo/` implement it,
 * and `test/contract.ts` holds them to the same behaviour. Methods that find nothing return
 * null (never throw) so callers decide what "not found" means to their client.
 */
export interface Store {
  readonly backend: 'sqlite' | 'mongodb';
  /**
   * How live events travel between the server processes sharing this store; absent where
   * one server process serves the database (SQLite), whose events stay in the process.
   */
  readonly eventLog?: EventLog;
  /** Throws when the database cannot be reached (for /readyz). */
  ping(): Promise<void>;
  /** Waits for pending writes, then closes. */
  close(): Promise<void>;

  createUser(input: Omit<User, 'id' | 'createdAt'>): Promise<User>;
  getUserById(id: string): Promise<User | null>;
  getUserByEmail(email: string): Promise<User | null>;
  setUserPassword(userId: string, passwordHash: string): Promise<void>;

  /** MissingEntity('user') when the user does not exist. */
  createSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | null>;
  listUserSessions(userId: string): Promise<Session[]>;
  setSessionExpiry(id: string, expiresAt: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteUserSessions(userId: string): Promise<void>;
  deleteExpiredSessions(now: number): Promise<void>;

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
  ): Promise<Dashboard | null>;
  /**
   * Deletes the dashboard with its buckets, keys, memberships and layout at once: none of
   * them is found by any read from then on, and no write reaches its buckets. Their records
   * go in batches in later upkeep steps (`maintain`), which resume after a crash.
   */
  deleteDashboard(id: string): Promise<void>;

  /** The dashboard's widget grid (version 0 and no widgets before the first save); null: no such dashboard. */
  getLayout(dashboardId: string): Promise<DashboardLayout | null>;
  /**
   * Saves the grid as version `expectedVersion + 1`, atomically: when someone saved since
   * `expectedVersion`, nothing changes and the current layout comes back as a conflict.
   */
  saveLayout(dashboardId: string, save: LayoutSave): Promise<SaveLayoutResult>;

  getMembership(dashboardId: string, userId: string): Promise<Membership | null>;
  /** Oldest first (ties by user id). */
  listMembers(dashboardId: string): Promise<MemberWithUser[]>;
  /** MissingEntity when the dashboard or the user does not exist (checked in that order). */
  addMember(dashboardId: string, userId: string, role: Role): Promise<Membership>;
  /**
   * Changes a member's role, or removes the member, in one atomic step that refuses with
   * LastOwner (changing nothing) when the dashboard would be left without an owner, however
   * many such calls run at once. A user who is not a member is no change.
   */
  setMemberRole(dashboardId: string, userId: string, role: Role): Promise<void>;
  removeMember(dashboardId: string, userId: string): Promise<void>;

  /**
   * MissingEntity('dashboard') when the dashboard does not exist, also when it is deleted
   * concurrently: a bucket never outlives its dashboard (nor does a key or a membership).
   */
  createBucket(input: { dashboardId: string; name: string; type: BucketType }): Promise<Bucket>;
  getBucket(id: string): Promise<Bucket | null>;
  /** Oldest first (ties by id). */
  listBuckets(dashboardId: string): Promise<Bucket[]>;
  renameBucket(id: string, name: string): Promise<void>;
  /** Replaces the bucket's series descriptions; null: no such bucket. */
  setBucketSeries(id: string, series: SeriesMeta[]): Promise<Bucket | null>;
  /**
   * Deletes the bucket at once (no read finds it or its records from then on, no write
   * reaches it); its records go in batches in later upkeep steps (`maintain`), which resume
   * after a crash.
   */
  deleteBucket(id: string): Promise<void>;

  /**
   * Upserts the records in order (a later record with the same key wins), all or nothing,
   * then trims the bucket to its retention. Resolves only once the write is durable.
   */
  upsertRecords(bucket: Bucket, records: DataRecord[], mode: WriteMode): Promise<WriteResult>;
  readRecords(bucket: Bucket, query: ReadQuery): Promise<ReadResult>;
  /**
   * A range as about `points` points, computed in the database. Per interval
   * [start, start + interval) clipped to [from, to] (intervals aligned to multiples of
   * `interval`, chosen by `chooseInterval`): `count` is its records; per series, min, max and
   * avg are over its non-null values and `last` is its value in the interval's latest record
   * (by key) where it is non-null; null where there is none. Intervals without records are
   * left out; a series appears where it has a non-null value. A range holding at most `points`
   * records comes back as the records themselves (`interval: null`, count 1, min = max = avg =
   * last = the value). `from`/`to` default to the first/last key; `series` filters the series
   * (not the records). KV buckets are never aggregated: their first `points` records in key
   * order, `truncated` when more match.
   *
   * Exact whether or not `maintain` has run: intervals whose pre-aggregated figures are stale
   * are computed from the records (see src/downsample/read.ts). Never writes.
   */
  downsampleRecords(bucket: Bucket, query: DownsampleQuery): Promise<Downsampled>;
  /** Deletes the selected records; returns how many there were. */
  deleteRecords(bucket: Bucket, selection: RecordSelection): Promise<number>;
  purgeRecords(bucket: Bucket): Promise<number>;

  /**
   * One bounded step of background upkeep (a few milliseconds of work): removes a batch of
   * the records of deleted buckets, trims a batch of a bucket left over its retention (a lowered retention; writes trim only as much as they add)
   * and recomputes a batch of the pre-aggregated figures that writes and deletions left stale.
   * `more`: work remains, call again. Safe to run from several processes at once. Cells
   * written in the 2 s before `now` (default: the clock) wait for a later step: they are
   * likely still being written. Says which buckets lost records, for their live views.
   */
  maintain(now?: number): Promise<MaintainResult>;

  /**
   * Adds each change's delta to its counter (a counter not seen before starts at 0), each
   * atomically whichever process of the deployment counts, and returns the counters' totals
   * in order: how rate limits hold across server processes. The keys of one call are
   * distinct. A call with one change gets the total just after it; with several, totals at
   * least that large (MongoDB reads them after the whole batch). Expired counters are
   * removed in the background (`maintain` on SQLite, a TTL index on MongoDB).
   */
  countRateWindows(changes: readonly RateWindowChange[]): Promise<number[]>;

  /**
   * MissingEntity when the dashboard or the creator does not exist (checked in that order),
   * also when the dashboard is being deleted at the same moment: a key never outlives it.
   */
  createApiKey(input: Omit<ApiKeyRecord, 'id' | 'revokedAt' | 'lastUsedAt'>): Promise<ApiKeyRecord>;
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  getApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** Newest first (ties by id, descending: the oldest-first order reversed). */
  listApiKeys(dashboardId: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, at: number): Promise<void>;
  setApiKeyExpiry(id: string, expiresAt: number | null): Promise<void>;
  /** Records last-used times in one batch (the server coalesces them per minute). */
  touchApiKeys(lastUsed: Map<string, number>): Promise<void>;
}
