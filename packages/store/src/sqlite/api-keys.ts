import { ALL_KEY_PERMISSIONS, type KeyPermission } from '@bucketgrid/shared';
import { newId } from '../ids.ts';
import type { ApiKeyStore } from '../roles/tenancy.ts';
import type { ApiKeyRecord } from '../store.ts';
import type { ActivityWriter } from './activity.ts';
import type { Row, SqliteDb } from './connection.ts';
import { isForeignKeyFailure, missingReference } from './errors.ts';

export function apiKeyMethods(sqlite: SqliteDb, writeActivity: ActivityWriter): ApiKeyStore {
  const { db, sql } = sqlite;
  const missingDashboardOr = missingReference(sqlite);
  return {
    async createApiKey(input, activity) {
      const key: ApiKeyRecord = {
        id: newId(),
        revokedAt: null,
        lastUsedAt: null,
        ...input,
        scopes: input.scopes ?? [...ALL_KEY_PERMISSIONS],
        bucketIds: input.bucketIds ?? null,
      };
      try {
        db.transaction(() => {
          sql(
            `INSERT INTO api_keys (id, dashboard_id, name, type, hash, hint, created_by,
               created_at, expires_at, scopes, bucket_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
            key.scopes.join(','),
            key.bucketIds === null ? null : JSON.stringify(key.bucketIds),
          );
          writeActivity(activity && { ...activity, target: { ...activity.target, id: key.id } });
        })();
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

    async revokeApiKey(id, at, activity) {
      db.transaction(() => {
        const { changes } = sql(
          'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
        ).run(at, id);
        if (changes > 0) writeActivity(activity);
      })();
    },

    async setApiKeyExpiry(id, expiresAt, activity) {
      db.transaction(() => {
        const { changes } = sql('UPDATE api_keys SET expires_at = ? WHERE id = ?').run(
          expiresAt,
          id,
        );
        if (changes > 0) writeActivity(activity);
      })();
    },

    async setApiKeyScopes(id, { scopes, bucketIds }, activity) {
      db.transaction(() => {
        const { changes } = sql('UPDATE api_keys SET scopes = ?, bucket_ids = ? WHERE id = ?').run(
          scopes.join(','),
          bucketIds === null ? null : JSON.stringify(bucketIds),
          id,
        );
        if (changes > 0) writeActivity(activity);
      })();
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
    scopes: (r.scopes as string).split(',') as KeyPermission[],
    bucketIds: r.bucket_ids === null ? null : (JSON.parse(r.bucket_ids as string) as string[]),
    createdBy: r.created_by as string | null,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number | null,
    revokedAt: r.revoked_at as number | null,
    lastUsedAt: r.last_used_at as number | null,
  };
}
