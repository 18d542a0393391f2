import {
  type ApiKeyType,
  apiKeyTypes,
  type BucketType,
  bucketTypes,
  type KeyPermission,
  keyPermissions,
  type LayoutContent,
  type RecordKey,
  type Role,
  roles,
  type SeriesMeta,
} from '@bucketgrid/shared';
import { type Connection, type mongo, Schema } from 'mongoose';

/**
 * How documents are stored. Ids are `newId()` strings kept as `_id`; times are unix ms
 * numbers, exactly as the Store interface hands them over, so nothing converts at the
 * boundary. Lists order by creation time, then by id (`LIST_ORDER`), as SQLite does: the
 * same order on both backends and from every process.
 */

export interface UserDoc {
  _id: string;
  email: string;
  name: string;
  workspace: string;
  passwordHash: string;
  createdAt: number;
}

export interface SessionDoc {
  _id: string;
  userId: string;
  expiresAt: number;
}

export interface DashboardDoc {
  _id: string;
  workspace: string;
  slug: string;
  name: string;
  retention: number;
  createdAt: number;
  /**
   * Bumped by every transaction that must not interleave with another or with the
   * dashboard's deletion (creating a bucket, key or member; changing members): they then
   * write-conflict, and the one that retries sees what the other did (see references.ts).
   */
  rev?: number;
}

export interface MembershipDoc {
  _id: string;
  dashboardId: string;
  userId: string;
  role: Role;
  createdAt: number;
}

export interface BucketDoc {
  _id: string;
  dashboardId: string;
  name: string;
  type: BucketType;
  /** Always the number of records the bucket holds: every change to them adjusts it. */
  recordCount: number;
  lastWriteAt: number | null;
  /** The last write sequence number handed out to this bucket's records (see `RecordDoc.s`). */
  writeSeq: number;
  createdAt: number;
  series: SeriesMeta[];
  /**
   * The dashboard's retention, written to each of its buckets whenever it changes, so that a
   * write racing the change conflicts with it (both write this document) instead of trimming
   * by the old one; absent until the first change, when writes read the dashboard's.
   */
  retention?: number;
}

/** A dashboard's widget grid, `_id` being the dashboard's id; absent until the first save. */
export interface LayoutDoc {
  _id: string;
  version: number;
  content: LayoutContent;
  updatedAt: number;
  updatedBy: string | null;
}

/**
 * One record. Short field names because a bucket holds up to a million of them and
 * MongoDB stores every field name in every document.
 */
export interface RecordDoc {
  /** Bucket id. */
  b: string;
  /** Key: unix ms (TSV), integer (IV) or string (KV). */
  k: RecordKey;
  /**
   * Write sequence, KV records only: the bucket's `writeSeq` when this record was last
   * written (KV retention drops the least recently written).
   */
  s?: number;
  /** Series key (as a field name) → value; `null` is a known gap. */
  v: Record<string, number | null>;
}

/** One series' figures in a cell of pre-aggregated figures (only series with a non-null value). */
export interface SeriesFiguresDoc {
  /** Series key. */
  s: number;
  /** Non-null values, their sum, min, max, and the last of them by key. */
  n: number;
  sum: number;
  /**
   * Set when `sum` is Σ v·SUM_SCALE because the plain sum overflowed
   * (../downsample/sum.ts); absent otherwise, and in every cell written before scaling.
   */
  scaled?: true;
  min: number;
  max: number;
  last: number;
}

/**
 * Pre-aggregated figures of one cell of a TSV or IV bucket (see src/downsample/tiers.ts):
 * what downsampled reads take whole intervals from.
 */
export interface AggregateDoc {
  /** Bucket id, tier, and the cell's first key. */
  b: string;
  t: number;
  c: number;
  /** Records in the cell. */
  n: number;
  f: SeriesFiguresDoc[];
}

/**
 * A cell whose figures are stale (reads compute it from the records). `ver` grows each time
 * it is marked, so upkeep clears a mark only if nobody marked it again while it recomputed.
 */
export interface DirtyCellDoc {
  b: string;
  t: number;
  c: number;
  ver: number;
  /** When a write last marked it (ms); upkeep leaves cells marked in the last seconds. */
  at: number;
}

/** A rate-limit counter (see rate-windows.ts). */
export interface RateWindowDoc {
  /** The counter's key, as the caller names it. */
  _id: string;
  n: number;
  /** When its window ends: the TTL index removes it from then on. */
  exp: Date;
}

/** A deleted bucket whose documents upkeep has yet to remove (see sweeper.ts). */
export interface DeletedBucketDoc {
  /** The bucket id. */
  _id: string;
  /** When it was deleted (ms). */
  at: number;
}

/** A bucket that may hold more records than its retention: upkeep trims it in batches. */
export interface RetentionBacklogDoc {
  /** The bucket id. */
  _id: string;
}

export interface ApiKeyDoc {
  _id: string;
  dashboardId: string;
  name: string;
  type: ApiKeyType;
  hash: string;
  hint: string;
  /** Absent on keys made before scopes: those hold all three permissions. */
  scopes?: KeyPermission[];
  /** Absent or null: every bucket of the dashboard. */
  bucketIds?: string[] | null;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** An activity log entry (roles/activity.ts); `exp` lets a TTL index drop it after a year. */
export interface ActivityDoc {
  _id: string;
  dashboardId: string;
  at: number;
  actor: { type: string; id: string | null; label: string };
  action: string;
  target: { type: string; id: string; label: string };
  before: unknown;
  after: unknown;
  address: string | null;
}

/** A sign-in or password change of an account. */
export interface AccountEventDoc {
  _id: string;
  userId: string;
  at: number;
  kind: string;
  address: string | null;
  userAgent: string | null;
}

/**
 * A batch of live events one server process appended (see event-log.ts). Nobody reads these
 * documents back: every process watches the collection's change stream, which carries each
 * inserted document; the TTL index removes them after a minute or two.
 */
export interface LiveEventsDoc {
  origin: string;
  events: Record<string, unknown>[];
  /** When it was appended (a Date: the TTL index reads it). */
  at: Date;
}

/** A pending invitation; the token only as its hex SHA-256. */
export interface InvitationDoc {
  _id: string;
  dashboardId: string;
  email: string;
  role: Role;
  tokenHash: string;
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
}

/** A public share link; the token only as its hex SHA-256. */
export interface ShareLinkDoc {
  _id: string;
  dashboardId: string;
  name: string;
  tokenHash: string;
  expiresAt: number | null;
  allowRangeChange: boolean;
  frameOrigins: string[];
  createdBy: string | null;
  createdAt: number;
  lastViewedAt: number | null;
  views: number;
}

/** A password reset, keyed by its token's hex SHA-256. */
export interface PasswordResetDoc {
  _id: string;
  userId: string;
  expiresAt: number;
}

export const DASHBOARDS_COLLECTION = 'dashboards';

/** Oldest first; documents created in the same millisecond by id. */
export const LIST_ORDER = { createdAt: 1, _id: 1 } as const;
/** Newest first: LIST_ORDER reversed. */
export const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

// `strict: 'throw'`: a misspelt path fails loudly instead of being dropped silently.
// No `__v`: the store never loads a document to save it back, which is what it guards.
// Indexes are built by createModels (missing ones only, the slow ones in the background).
const options = { versionKey: false, strict: 'throw', autoIndex: false } as const;
const nullableNumber = () => ({ type: Number, default: null });

const userSchema = new Schema<UserDoc>(
  {
    _id: String,
    email: String,
    name: String,
    workspace: String,
    passwordHash: String,
    createdAt: Number,
  },
  options,
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ workspace: 1 }, { unique: true });

const sessionSchema = new Schema<SessionDoc>(
  { _id: String, userId: String, expiresAt: Number },
  options,
);
sessionSchema.index({ userId: 1 });
sessionSchema.index({ expiresAt: 1 });

const dashboardSchema = new Schema<DashboardDoc>(
  {
    _id: String,
    workspace: String,
    slug: String,
    name: String,
    retention: Number,
    createdAt: Number,
    rev: Number,
  },
  options,
);
dashboardSchema.index({ workspace: 1, slug: 1 }, { unique: true });

const membershipSchema = new Schema<MembershipDoc>(
  {
    _id: String,
    dashboardId: String,
    userId: String,
    role: { type: String, enum: roles },
    createdAt: Number,
  },
  options,
);
membershipSchema.index({ dashboardId: 1, userId: 1 }, { unique: true });
membershipSchema.index({ userId: 1 });

const bucketSchema = new Schema<BucketDoc>(
  {
    _id: String,
    dashboardId: String,
    name: String,
    type: { type: String, enum: bucketTypes },
    recordCount: Number,
    lastWriteAt: nullableNumber(),
    writeSeq: Number,
    createdAt: Number,
    // Validated by the shared zod schema before it gets here; stored as given.
    series: { type: Schema.Types.Mixed, default: [] },
    retention: Number,
  },
  options,
);
bucketSchema.index({ dashboardId: 1 });

const layoutSchema = new Schema<LayoutDoc>(
  {
    _id: String,
    version: Number,
    content: Schema.Types.Mixed,
    updatedAt: Number,
    updatedBy: { type: String, default: null },
  },
  options,
);

/**
 * Records of KV buckets: theirs are the only string keys. Only they carry `s` and have an
 * entry in the `{b, s}` index, as on SQLite (`records_kv_by_seq`): a TSV or IV write, the
 * bulk of all writes, then costs one index entry per record instead of two, and a million
 * TSV records no `{b, s}` entries (about 40 bytes each) at all.
 */
export const KV_RECORDS = { k: { $type: 'string' } } as const;
const KV_BY_SEQ = 'kv_by_seq';
/** The index `{b, s}` had on every record before it became partial. */
const OLD_SEQ_INDEX = 'b_1_s_1';

// Records keep the server-assigned ObjectId `_id`: they are addressed by (bucket, key) only,
// and a random string id per record would cost space and time on every write.
const recordSchema = new Schema<RecordDoc>(
  { b: String, k: Schema.Types.Mixed, s: Number, v: Schema.Types.Mixed },
  options,
);
recordSchema.index({ b: 1, k: 1 }, { unique: true });
recordSchema.index({ b: 1, s: 1 }, { name: KV_BY_SEQ, partialFilterExpression: KV_RECORDS });

const aggregateSchema = new Schema<AggregateDoc>(
  {
    b: String,
    t: Number,
    c: Number,
    n: Number,
    f: [
      new Schema<SeriesFiguresDoc>(
        {
          s: Number,
          n: Number,
          sum: Number,
          scaled: Boolean,
          min: Number,
          max: Number,
          last: Number,
        },
        { ...options, _id: false },
      ),
    ],
  },
  options,
);
aggregateSchema.index({ b: 1, t: 1, c: 1 }, { unique: true });

const dirtyCellSchema = new Schema<DirtyCellDoc>(
  { b: String, t: Number, c: Number, ver: Number, at: Number },
  options,
);
// Reads look up a bucket's marks by cell; upkeep takes them tier by tier.
dirtyCellSchema.index({ b: 1, c: 1, t: 1 }, { unique: true });
dirtyCellSchema.index({ t: 1, b: 1, c: 1 });

const retentionBacklogSchema = new Schema<RetentionBacklogDoc>({ _id: String }, options);

const rateWindowSchema = new Schema<RateWindowDoc>({ _id: String, n: Number, exp: Date }, options);
rateWindowSchema.index({ exp: 1 }, { expireAfterSeconds: 0 });

const deletedBucketSchema = new Schema<DeletedBucketDoc>({ _id: String, at: Number }, options);

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: String,
    dashboardId: String,
    name: String,
    type: { type: String, enum: apiKeyTypes },
    hash: String,
    hint: String,
    scopes: { type: [{ type: String, enum: keyPermissions }], default: undefined },
    bucketIds: { type: [String], default: undefined },
    createdBy: { type: String, default: null },
    createdAt: Number,
    expiresAt: nullableNumber(),
    revokedAt: nullableNumber(),
    lastUsedAt: nullableNumber(),
  },
  options,
);
apiKeySchema.index({ hash: 1 }, { unique: true });
apiKeySchema.index({ dashboardId: 1 });

const activitySchema = new Schema<ActivityDoc>(
  {
    _id: String,
    dashboardId: String,
    at: Number,
    actor: { type: { type: String }, id: { type: String, default: null }, label: String },
    action: String,
    target: { type: { type: String }, id: String, label: String },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    address: { type: String, default: null },
  },
  options,
);
// The log's pages, newest first, per dashboard; and upkeep's trim by time.
activitySchema.index({ dashboardId: 1, at: -1, _id: -1 });
activitySchema.index({ at: 1 });

const accountEventSchema = new Schema<AccountEventDoc>(
  {
    _id: String,
    userId: String,
    at: Number,
    kind: String,
    address: { type: String, default: null },
    userAgent: { type: String, default: null },
  },
  options,
);
accountEventSchema.index({ userId: 1, at: -1, _id: -1 });
accountEventSchema.index({ at: 1 });

const liveEventsSchema = new Schema<LiveEventsDoc>(
  { origin: String, events: Schema.Types.Mixed, at: Date },
  options,
);
liveEventsSchema.index({ at: 1 }, { expireAfterSeconds: 60 });

const invitationSchema = new Schema<InvitationDoc>(
  {
    _id: String,
    dashboardId: String,
    email: String,
    role: { type: String, enum: roles },
    tokenHash: String,
    invitedBy: String,
    createdAt: Number,
    expiresAt: Number,
  },
  options,
);
invitationSchema.index({ dashboardId: 1, email: 1 }, { unique: true });
invitationSchema.index({ tokenHash: 1 }, { unique: true });
invitationSchema.index({ expiresAt: 1 });

const passwordResetSchema = new Schema<PasswordResetDoc>(
  { _id: String, userId: String, expiresAt: Number },
  options,
);
passwordResetSchema.index({ expiresAt: 1 });

const shareLinkSchema = new Schema<ShareLinkDoc>(
  {
    _id: String,
    dashboardId: String,
    name: String,
    tokenHash: String,
    expiresAt: nullableNumber(),
    allowRangeChange: Boolean,
    frameOrigins: [String],
    createdBy: { type: String, default: null },
    createdAt: Number,
    lastViewedAt: nullableNumber(),
    views: { type: Number, default: 0 },
  },
  options,
);
shareLinkSchema.index({ tokenHash: 1 }, { unique: true });
shareLinkSchema.index({ dashboardId: 1, createdAt: -1, _id: -1 });

/** Compiles the models on this connection (never on mongoose's global one). */
function compileModels(conn: Connection) {
  return {
    users: conn.model('User', userSchema, 'users'),
    sessions: conn.model('Session', sessionSchema, 'sessions'),
    dashboards: conn.model('Dashboard', dashboardSchema, DASHBOARDS_COLLECTION),
    memberships: conn.model('Membership', membershipSchema, 'memberships'),
    buckets: conn.model('Bucket', bucketSchema, 'buckets'),
    records: conn.model('Record', recordSchema, 'records'),
    apiKeys: conn.model('ApiKey', apiKeySchema, 'apiKeys'),
    layouts: conn.model('Layout', layoutSchema, 'layouts'),
    aggregates: conn.model('Aggregate', aggregateSchema, 'aggregates'),
    dirtyCells: conn.model('DirtyCell', dirtyCellSchema, 'dirtyCells'),
    retentionBacklog: conn.model('RetentionBacklog', retentionBacklogSchema, 'retentionBacklog'),
    rateWindows: conn.model('RateWindow', rateWindowSchema, 'rateWindows'),
    deletedBuckets: conn.model('DeletedBucket', deletedBucketSchema, 'deletedBuckets'),
    liveEvents: conn.model('LiveEvents', liveEventsSchema, 'liveEvents'),
    activity: conn.model('Activity', activitySchema, 'activity'),
    accountEvents: conn.model('AccountEvent', accountEventSchema, 'accountEvents'),
    invitations: conn.model('Invitation', invitationSchema, 'invitations'),
    passwordResets: conn.model('PasswordReset', passwordResetSchema, 'passwordResets'),
    shareLinks: conn.model('ShareLink', shareLinkSchema, 'shareLinks'),
  };
}

export type Models = ReturnType<typeof compileModels>;

/**
 * Compiles the models with explicit collection names, then creates the collections and the
 * missing indexes. Collections must exist before the first transaction touches them, and the
 * unique indexes are what turn a taken email or slug into an error (and keep one record per
 * key), so the store opens only once both are in place. Any other missing index (one a new
 * version adds to a database that already holds data) only makes queries faster: it is built
 * in the background while the store serves, instead of holding every process's start for as
 * long as a build over millions of records takes.
 */
export async function createModels(conn: Connection): Promise<Models> {
  const models = compileModels(conn);
  // Before its partial successor, which has the same key, can be built.
  await dropIndexIfPresent(models.records, OLD_SEQ_INDEX);
  await Promise.all(Object.values(models).map((model) => model.init()));
  await Promise.all(Object.values(models).map((model) => buildMissingIndexes(model)));
  return models;
}

type AnyModel = Models[keyof Models];

async function buildMissingIndexes(model: AnyModel): Promise<void> {
  const collection = model.collection as unknown as mongo.Collection;
  const existing = new Set(
    (await collection.listIndexes().toArray()).map((index) => index.name as string),
  );
  const empty = (await collection.estimatedDocumentCount()) === 0;
  for (const [fields, options] of model.schema.indexes()) {
    const name =
      options.name ??
      Object.entries(fields)
        .map(([field, direction]) => `${field}_${direction}`)
        .join('_');
    if (existing.has(name)) continue;
    const build = collection.createIndex(
      fields as mongo.IndexSpecification,
      options as mongo.CreateIndexesOptions,
    );
    if (options.unique || empty) await build;
    // A build that fails (the server went away) is tried again at the next start, since the
    // index is still missing then; queries work without it meanwhile, only slower.
    else void build.catch(() => {});
  }
}

async function dropIndexIfPresent(model: Models['records'], name: string): Promise<void> {
  try {
    await model.collection.dropIndex(name);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // NamespaceNotFound (no collection yet), IndexNotFound (dropped already).
    if (code !== 26 && code !== 27) throw error;
  }
}
