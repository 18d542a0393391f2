import { ALL_KEY_PERMISSIONS } from '@bucketgrid/shared';
import { newId } from '../ids.ts';
import type { ApiKeyStore } from '../roles/tenancy.ts';
import type { ApiKeyRecord } from '../store.ts';
import { writeActivity } from './activity.ts';
import type { Db } from './connection.ts';
import { findCredential, insertCredential, updateEach } from './dashboard-credentials.ts';
import { type ApiKeyDoc, NEWEST_FIRST } from './models.ts';

export function apiKeyMethods(db: Db): ApiKeyStore {
  const { models } = db;
  const { apiKeys } = models;
  return {
    async createApiKey(input, activity) {
      const doc: ApiKeyDoc = {
        _id: newId(),
        dashboardId: input.dashboardId,
        name: input.name,
        type: input.type,
        hash: input.hash,
        hint: input.hint,
        scopes: input.scopes ?? [...ALL_KEY_PERMISSIONS],
        bucketIds: input.bucketIds ?? null,
        createdBy: input.createdBy,
        createdAt: input.createdAt,
        expiresAt: input.expiresAt,
        revokedAt: null,
        lastUsedAt: null,
      };
      await insertCredential(db, apiKeys, doc, activity);
      return toApiKey(doc);
    },

    getApiKey: (id) => findCredential(apiKeys, { _id: id }, toApiKey),

    getApiKeyByHash: (hash) => findCredential(apiKeys, { hash }, toApiKey),

    async listApiKeys(dashboardId) {
      const docs = await apiKeys.find({ dashboardId }).sort(NEWEST_FIRST).lean<ApiKeyDoc[]>();
      return docs.map(toApiKey);
    },

    async revokeApiKey(id, at, activity) {
      // Revoking is permanent: a second revoke keeps the time of the first.
      await db.transaction(async (session) => {
        const { modifiedCount } = await apiKeys.updateOne(
          { _id: id, revokedAt: null },
          { $set: { revokedAt: at } },
          { session },
        );
        if (modifiedCount > 0) await writeActivity(models, session, activity);
      });
    },

    async setApiKeyExpiry(id, expiresAt, activity) {
      await db.transaction(async (session) => {
        const { matchedCount } = await apiKeys.updateOne(
          { _id: id },
          { $set: { expiresAt } },
          { session },
        );
        if (matchedCount > 0) await writeActivity(models, session, activity);
      });
    },

    async setApiKeyScopes(id, { scopes, bucketIds }, activity) {
      await db.transaction(async (session) => {
        const { matchedCount } = await apiKeys.updateOne(
          { _id: id },
          { $set: { scopes, bucketIds } },
          { session },
        );
        if (matchedCount > 0) await writeActivity(models, session, activity);
      });
    },

    // `$max` keeps the later of the stored and the given time (null sorts below numbers),
    // so batches flushed out of order never move a key's last use back.
    touchApiKeys: (lastUsed) =>
      updateEach(apiKeys, lastUsed, (at) => ({ $max: { lastUsedAt: at } })),
  };
}

function toApiKey(doc: ApiKeyDoc): ApiKeyRecord {
  return {
    id: doc._id,
    dashboardId: doc.dashboardId,
    name: doc.name,
    type: doc.type,
    hash: doc.hash,
    hint: doc.hint,
    scopes: doc.scopes ?? [...ALL_KEY_PERMISSIONS],
    bucketIds: doc.bucketIds ?? null,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    revokedAt: doc.revokedAt,
    lastUsedAt: doc.lastUsedAt,
  };
}
