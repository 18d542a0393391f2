import { newId } from '../ids.ts';
import type { ApiKeyRecord, Store } from '../store.ts';
import type { Row, SqliteDb } from './connection.ts';
import { isForeignKeyFailure, missingReference } from './errors.ts';

type ApiKeyMethods = Pick<
  Store,
  | 'createApiKey'
  | 'getApiKey'
  | 'getApiKeyByHash'
  | 'listApiKeys'
  | 'revokeApiKey'
  | 'setApiKeyExpiry'
  | 'touchApiKeys'
>;

export function apiKeyMethods(sqlite: SqliteDb): ApiKeyMethods {
  const { db, sql } = sqlite;
  const missingDashboardOr = missingReference(sqlite);
  return {
    async createApiKey(input) {
      const key: ApiKeyRecord = { id: newId(), revokedAt: null, lastUsedAt: null, ...input };
      try {
        sql(
          `INSERT INTO api_keys (id, dashboard_id, name, type, hash, hint, created_by, created_at,
             expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          key.id,
          key.dashboardId,
          key.name,
          key.type,
          key.hash,
          key.hint,
          key.createdBy,
          key.createdAt,
          key.expiresAt,
        );
      } catch (error) {
        // The creator is the other reference a key has.
        if (isForeignKeyFailure(error)) throw missingDashboardOr('user', key.dashboardId);
        throw error;
      }
      return key;
    },

    async getApiKey(id) {
      const row = sql('SELECT * FROM api_keys WHERE id = ?').get(id) as Row | undefined;
      return row ? toApiKey(row) : null;
    },

    async getApiKeyByHash(hash) {
      const row = sql('SELECT * FROM api_keys WHERE hash = ?').get(hash) as Row | undefined;
      return row ? toApiKey(row) : null;
    },

    async listApiKeys(dashboardId) {
      const rows = sql(
        'SELECT * FROM api_keys WHERE dashboard_id = ? ORDER BY created_at DESC, id DESC',
      ).all(dashboardId) as Row[];
      return rows.map(toApiKey);
    },

    async revokeApiKey(id, at) {
      sql('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(at, id);
    },

    async setApiKeyExpiry(id, expiresAt) {
      sql('UPDATE api_keys SET expires_at = ? WHERE id = ?').run(expiresAt, id);
    },

    async touchApiKeys(lastUsed) {
      const touch = sql(
        'UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?',
      );
      db.transaction(() => {
        for (const [id, at] of lastUsed) touch.run(at, id);
      })();
    },
  };
}

function toApiKey(r: Row): ApiKeyRecord {
  return {
    id: r.id as string,
    dashboardId: r.dashboard_id as string,
    name: r.name as string,
    type: r.type as ApiKeyRecord['type'],
    hash: r.hash as string,
    hint: r.hint as string,
    createdBy: r.created_by as string | null,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number | null,
    revokedAt: r.revoked_at as number | null,
    lastUsedAt: r.last_used_at as number | null,
  };
}
