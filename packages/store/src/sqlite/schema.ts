import type Database from 'better-sqlite3';

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
