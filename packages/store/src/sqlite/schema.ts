import type Database from 'better-sqlite3';
import { ALERTS_MIGRATION } from './alerts-schema.ts';

/**
 * Schema migrations, applied in order; PRAGMA user_version records how many have run.
 * Append new migrations, never edit a released one.
 */
const migrations: string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    workspace TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_by_user ON sessions(user_id);
  CREATE TABLE dashboards (
    id TEXT PRIMARY KEY,
    workspace TEXT NOT NULL,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    retention INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (workspace, slug)
  );
  CREATE TABLE memberships (
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'user')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (dashboard_id, user_id)
  );
  CREATE INDEX memberships_by_user ON memberships(user_id);
  -- AUTOINCREMENT: a deleted bucket's rowid is never reused by a new bucket.
  CREATE TABLE buckets (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('TSV', 'KV', 'IV')),
    record_count INTEGER NOT NULL DEFAULT 0,
    write_seq INTEGER NOT NULL DEFAULT 0,
    last_write_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX buckets_by_dashboard ON buckets(dashboard_id);
  -- One row per record. "key" has no declared type so integers stay integers and KV strings
  -- stay strings; "vals" is the JSON object of series values. No foreign key: checking it on
  -- every ingested row costs more than the explicit deletes in deleteBucket/deleteDashboard.
  CREATE TABLE records (
    bucket INTEGER NOT NULL,
    key NOT NULL,
    seq INTEGER NOT NULL,
    vals TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  -- Only KV buckets trim the least recently written; the partial index spares TSV/IV writes.
  CREATE INDEX records_kv_by_seq ON records(bucket, seq) WHERE typeof(key) = 'text';
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    last_used_at INTEGER
  );
  CREATE INDEX api_keys_by_dashboard ON api_keys(dashboard_id);
  `,
  `
  -- The series descriptions of a bucket: a JSON array of {sk, name, unit, color, decimals}.
  ALTER TABLE buckets ADD COLUMN series TEXT NOT NULL DEFAULT '[]';
  -- A dashboard's widget grid; no row until the first save (version 0).
  CREATE TABLE layouts (
    dashboard_id TEXT PRIMARY KEY REFERENCES dashboards(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users(id) ON DELETE SET NULL
  );
  `,
  `
  -- Pre-aggregated figures of TSV and IV buckets for downsampled reads, per tier of cell widths
  -- (packages/store/src/downsample/tiers.ts) and cell (its first key): how many records it
  -- holds, and per series with a non-null value (sk, n, sum, min, max, last) as little-endian
  -- float64s, six per series (one blob reads several times faster than a row per series).
  CREATE TABLE aggregates (
    bucket INTEGER NOT NULL,
    tier INTEGER NOT NULL,
    cell INTEGER NOT NULL,
    records INTEGER NOT NULL,
    figures BLOB NOT NULL,
    PRIMARY KEY (bucket, tier, cell)
  ) WITHOUT ROWID;
  -- Cells whose figures are stale: reads compute their intervals from the records until
  -- upkeep (Store.maintain) has recomputed them. marked_at: when a write last marked it (ms).
  CREATE TABLE aggregate_dirty (
    bucket INTEGER NOT NULL,
    cell INTEGER NOT NULL,
    tier INTEGER NOT NULL,
    marked_at INTEGER NOT NULL,
    PRIMARY KEY (bucket, cell, tier)
  ) WITHOUT ROWID;
  CREATE INDEX aggregate_dirty_by_tier ON aggregate_dirty (tier, bucket, cell);
  -- Buckets that may hold more records than their retention: upkeep trims them in batches.
  CREATE TABLE retention_backlog (bucket INTEGER PRIMARY KEY);
  -- Records written before this migration have no figures yet: all their tier-0 cells are
  -- dirty (10 s for TSV, 10 for IV, the finest tiers of this version), and upkeep builds them.
  INSERT INTO aggregate_dirty (bucket, cell, tier, marked_at)
    SELECT DISTINCT r.bucket, r.key - (((r.key % w.width) + w.width) % w.width), 0, 0
    FROM records r
    JOIN buckets b ON b.rowid = r.bucket
    JOIN (SELECT 'TSV' AS type, 10000 AS width UNION ALL SELECT 'IV', 10) w ON w.type = b.type;
  INSERT INTO retention_backlog (bucket)
    SELECT b.rowid FROM buckets b JOIN dashboards d ON d.id = b.dashboard_id
    WHERE b.record_count > d.retention;
  `,
  `
  -- Buckets deleted (alone or with their dashboard) whose rows upkeep has yet to remove in
  -- batches: records, figures and dirty marks, keyed by the bucket's rowid, which
  -- AUTOINCREMENT never hands out again. See sweeper.ts.
  CREATE TABLE deleted_buckets (bucket INTEGER PRIMARY KEY);
  -- Rate-limit counters (Store.countRateWindows): one per limit, client and window, removed
  -- by upkeep once the window has ended.
  CREATE TABLE rate_windows (
    key TEXT PRIMARY KEY,
    used INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX rate_windows_by_expiry ON rate_windows (expires_at);
  `,
  `
  -- What a key may do (comma-separated write, read, delete) and the only buckets it may touch
  -- (a JSON array of ids; NULL: all). Keys made before scopes keep all three on every bucket.
  ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'write,read,delete';
  ALTER TABLE api_keys ADD COLUMN bucket_ids TEXT;
  -- The activity log (roles/activity.ts): written in the transaction of the change it notes.
  -- No foreign key: a deleted dashboard's "deleted" entry stays until it is trimmed.
  CREATE TABLE activity (
    id TEXT PRIMARY KEY,
    dashboard_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    target_label TEXT NOT NULL,
    before TEXT,
    after TEXT,
    address TEXT
  );
  CREATE INDEX activity_by_dashboard ON activity (dashboard_id, at DESC, id DESC);
  CREATE INDEX activity_by_time ON activity (at);
  -- Sign-ins and password changes of each account (the Account page's history).
  CREATE TABLE account_events (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    address TEXT,
    user_agent TEXT
  );
  CREATE INDEX account_events_by_user ON account_events (user_id, at DESC, id DESC);
  CREATE INDEX account_events_by_time ON account_events (at);
  `,
  `
  -- Pending invitations (token stored as its hex SHA-256 only); one per address and dashboard.
  CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'user')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    UNIQUE (dashboard_id, email)
  );
  -- Password reset tokens, as hex SHA-256, removed when used or by upkeep once expired.
  CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX password_resets_by_expiry ON password_resets (expires_at);
  `,
  `
  -- Storage layout for time series (docs/storage.md): a TSV or IV bucket's records up to
  -- buckets.sealed_through are in chunks, non-overlapping: a write request whose keys are all
  -- newer is one raw chunk (its records as JSON text, raw = 1), which upkeep encodes column by
  -- column with its figures (the aggregates blob's layout). Every key above sealed_through is
  -- a row of records, as all of them were before this migration: upkeep seals rows in bounded
  -- batches, oldest first, so a database of the earlier layout is migrated in place while it
  -- serves.
  CREATE TABLE series_chunks (
    id INTEGER PRIMARY KEY,
    bucket INTEGER NOT NULL,
    first_key INTEGER NOT NULL,
    last_key INTEGER NOT NULL,
    count INTEGER NOT NULL,
    raw INTEGER NOT NULL,
    -- Leading records retention dropped without rewriting the chunk (first_key and count
    -- are the remaining ones'; its figures are not used while skip > 0).
    skip INTEGER NOT NULL DEFAULT 0,
    -- A random number per chunk written: a decoded chunk is cached by id and stamp (an id
    -- can be handed out again, a stamp practically never).
    stamp INTEGER NOT NULL,
    keys BLOB NOT NULL,
    data BLOB NOT NULL,
    figures BLOB NOT NULL
  );
  CREATE UNIQUE INDEX series_chunks_by_key ON series_chunks (bucket, first_key);
  CREATE INDEX series_chunks_raw ON series_chunks (bucket, first_key) WHERE raw = 1;
  -- The largest key in chunks (NULL: none), how many records are rows, and how many are in
  -- raw chunks (TSV, IV).
  ALTER TABLE buckets ADD COLUMN sealed_through INTEGER;
  ALTER TABLE buckets ADD COLUMN unsealed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE buckets ADD COLUMN raw_records INTEGER NOT NULL DEFAULT 0;
  UPDATE buckets SET unsealed = record_count WHERE type <> 'KV';
  `,
  `
  -- Public share links (roles/share-links.ts): the token as its hex SHA-256 only.
  CREATE TABLE share_links (
    id TEXT PRIMARY KEY,
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at INTEGER,
    allow_range_change INTEGER NOT NULL,
    frame_origins TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    last_viewed_at INTEGER,
    views INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX share_links_by_dashboard ON share_links (dashboard_id, created_at DESC);
  -- Upkeep removes expired invitations (Store.deleteExpiredInvitations).
  CREATE INDEX invitations_by_expiry ON invitations (expires_at);
  `,
  // ---- Alerts (roles/alerts.ts, sqlite/alerts.ts): one block, kept apart from the rest. ----
  ALERTS_MIGRATION,
  `
  -- Late writes (docs/storage.md, "Write paths"): a write of a key at or below
  -- buckets.sealed_through is a row here, not a chunk rewrite; reads merge these rows into
  -- the chunks' records, upkeep folds them into the chunks in bounded steps. vals: the
  -- values written (several writes of one key combined); replace: 1 when they replace the
  -- chunk's record, 0 when they merge into it; fresh: 1 when no chunk holds the key (the
  -- write was an insert).
  CREATE TABLE series_late (
    bucket INTEGER NOT NULL,
    key INTEGER NOT NULL,
    vals TEXT NOT NULL,
    replace INTEGER NOT NULL,
    fresh INTEGER NOT NULL,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  ALTER TABLE buckets ADD COLUMN late_records INTEGER NOT NULL DEFAULT 0;
  `,
];

export function migrate(db: Database.Database): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (let version = applied; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
