/**
 * The alerts tables (roles/alerts.ts), one migration of schema.ts. JSON columns hold the
 * rule's condition and contact point ids and the notification's payload (small, read whole).
 */
export const ALERTS_MIGRATION = `
  CREATE TABLE alert_rules (
    id TEXT PRIMARY KEY,
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    condition TEXT NOT NULL,
    contact_point_ids TEXT NOT NULL,
    paused INTEGER NOT NULL,
    silenced_until INTEGER,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX alert_rules_by_dashboard ON alert_rules (dashboard_id, created_at, id);
  CREATE TABLE alert_states (
    rule_id TEXT PRIMARY KEY REFERENCES alert_rules(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('ok', 'pending', 'firing')),
    since INTEGER NOT NULL,
    last_value REAL,
    evaluated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
  );
  CREATE TABLE alert_transitions (
    id TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    value REAL
  );
  CREATE INDEX alert_transitions_by_rule ON alert_transitions (rule_id, at DESC, id DESC);
  CREATE INDEX alert_transitions_by_time ON alert_transitions (at);
  CREATE TABLE contact_points (
    id TEXT PRIMARY KEY,
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('webhook', 'slack', 'email')),
    target TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX contact_points_by_dashboard ON contact_points (dashboard_id, created_at, id);
  -- The outbox: written with the state change that caused it, removed by upkeep once old.
  CREATE TABLE alert_notifications (
    id TEXT PRIMARY KEY,
    dashboard_id TEXT NOT NULL,
    contact_point_id TEXT NOT NULL REFERENCES contact_points(id) ON DELETE CASCADE,
    rule_id TEXT,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'suppressed')),
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX alert_notifications_due ON alert_notifications (next_attempt_at)
    WHERE status = 'pending';
  CREATE INDEX alert_notifications_by_time ON alert_notifications (created_at);
  CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id TEXT NOT NULL,
    contact_point_id TEXT NOT NULL REFERENCES contact_points(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    http_status INTEGER,
    outcome TEXT NOT NULL,
    error TEXT,
    latency_ms REAL NOT NULL
  );
  CREATE INDEX alert_deliveries_by_point ON alert_deliveries (contact_point_id, at DESC, id DESC);
  CREATE INDEX alert_deliveries_by_time ON alert_deliveries (at);
  -- One row: which server process evaluates alerts, until when.
  CREATE TABLE alert_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
`;
