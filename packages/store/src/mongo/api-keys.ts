import { newId } from '../ids.ts';
import type { ApiKeyRecord, Store } from '../store.ts';
import type { Db } from './connection.ts';
import { mapDuplicateKey } from './errors.ts';
import { type ApiKeyDoc, NEWEST_FIRST } from './models.ts';
import { claimDashboard, requireUser } from './references.ts';

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

export function apiKeyMethods(db: Db): ApiKeyMethods {
  const { models } = db;
  const { apiKeys } = models;
  return {
    async createApiKey(input) {
      const doc: ApiKeyDoc = {
        _id: newId(),
        dashboardId: input.dashboardId,
        name: input.name,
        type: input.type,
        hash: input.hash,
        hint: input.hint,
        createdBy: input.createdBy,
        createdAt: input.createdAt,
        expiresAt: input.expiresAt,
        revokedAt: null,
        lastUsedAt: null,
      };
      try {
        await db.transaction(async (session) => {
          await claimDashboard(models, session, input.dashboardId);
          if (input.createdBy !== null) await requireUser(models, input.createdBy, session);
          await apiKeys.insertOne(doc, { session });
        });
      } catch (error) {
        throw mapDuplicateKey(error, {});
      }
      return toApiKey(doc);
    },

    async getApiKey(id) {
      const doc = await apiKeys.findById(id).lean<ApiKeyDoc>();
      return doc ? toApiKey(doc) : null;
    },

    async getApiKeyByHash(hash) {
      const doc = await apiKeys.findOne({ hash }).lean<ApiKeyDoc>();
      return doc ? toApiKey(doc) : null;
    },

    async listApiKeys(dashboardId) {
      const docs = await apiKeys.find({ dashboardId }).sort(NEWEST_FIRST).lean<ApiKeyDoc[]>();
      return docs.map(toApiKey);
    },

    async revokeApiKey(id, at) {
      // Revoking is permanent: a second revoke keeps the time of the first.
      await apiKeys.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } });
    },

    async setApiKeyExpiry(id, expiresAt) {
      await apiKeys.updateOne({ _id: id }, { $set: { expiresAt } });
    },

    async touchApiKeys(lastUsed) {
      if (lastUsed.size === 0) return;
      // `$max` keeps the later of the stored and the given time (null sorts below numbers),
      // so batches flushed out of order never move a key's last use back.
      await apiKeys.bulkWrite(
        [...lastUsed].map(([id, at]) => ({
          updateOne: { filter: { _id: id }, update: { $max: { lastUsedAt: at } } },
        })),
        { ordered: false },
      );
    },
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
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    revokedAt: doc.revokedAt,
    lastUsedAt: doc.lastUsedAt,
  };
}
