import { newId } from '../ids.ts';
import type { ShareLink, Store } from '../store.ts';
import { writeActivity } from './activity.ts';
import type { Db } from './connection.ts';
import { mapDuplicateKey } from './errors.ts';
import { NEWEST_FIRST, type ShareLinkDoc, type UserDoc } from './models.ts';
import { claimDashboard, requireUser } from './references.ts';

type ShareLinkMethods = Pick<
  Store,
  | 'createShareLink'
  | 'listShareLinks'
  | 'getShareLink'
  | 'getShareLinkByTokenHash'
  | 'regenerateShareLink'
  | 'revokeShareLink'
  | 'recordShareLinkViews'
>;

export function shareLinkMethods(db: Db): ShareLinkMethods {
  const { models } = db;
  const { shareLinks, users } = models;
  return {
    async createShareLink(input, activity) {
      const doc: ShareLinkDoc = {
        _id: newId(),
        dashboardId: input.dashboardId,
        name: input.name,
        tokenHash: input.tokenHash,
        expiresAt: input.expiresAt,
        allowRangeChange: input.allowRangeChange,
        frameOrigins: [...input.frameOrigins],
        createdBy: input.createdBy,
        createdAt: input.createdAt,
        lastViewedAt: null,
        views: 0,
      };
      try {
        await db.transaction(async (session) => {
          // Claimed, so a link never outlives its dashboard (see references.ts).
          await claimDashboard(models, session, doc.dashboardId);
          if (doc.createdBy !== null) await requireUser(models, doc.createdBy, session);
          await shareLinks.insertOne(doc, { session });
          await writeActivity(
            models,
            session,
            activity && { ...activity, target: { ...activity.target, id: doc._id } },
          );
        });
      } catch (error) {
        throw mapDuplicateKey(error, {});
      }
      return toShareLink(doc);
    },

    async listShareLinks(dashboardId) {
      const docs = await shareLinks.find({ dashboardId }).sort(NEWEST_FIRST).lean<ShareLinkDoc[]>();
      const creators = await users
        .find({ _id: { $in: [...new Set(docs.map((doc) => doc.createdBy))] } }, { name: 1 })
        .lean<Pick<UserDoc, '_id' | 'name'>[]>();
      const names = new Map(creators.map((user) => [user._id, user.name]));
      return docs.map((doc) => ({
        ...toShareLink(doc),
        createdByName: (doc.createdBy && names.get(doc.createdBy)) || '',
      }));
    },

    async getShareLink(id) {
      const doc = await shareLinks.findById(id).lean<ShareLinkDoc>();
      return doc ? toShareLink(doc) : null;
    },

    async getShareLinkByTokenHash(tokenHash) {
      const doc = await shareLinks.findOne({ tokenHash }).lean<ShareLinkDoc>();
      return doc ? toShareLink(doc) : null;
    },

    async regenerateShareLink(dashboardId, id, tokenHash, activity) {
      return db.transaction(async (session) => {
        const doc = await shareLinks
          .findOneAndUpdate(
            { _id: id, dashboardId },
            { $set: { tokenHash } },
            { session, returnDocument: 'after' },
          )
          .lean<ShareLinkDoc>();
        if (!doc) return null;
        await writeActivity(models, session, activity);
        return toShareLink(doc);
      });
    },

    async revokeShareLink(dashboardId, id, activity) {
      return db.transaction(async (session) => {
        const doc = await shareLinks
          .findOneAndDelete({ _id: id, dashboardId }, { session })
          .lean<ShareLinkDoc>();
        if (!doc) return null;
        await writeActivity(models, session, activity);
        return toShareLink(doc);
      });
    },

    async recordShareLinkViews(views) {
      if (views.size === 0) return;
      await shareLinks.bulkWrite(
        [...views].map(([id, seen]) => ({
          updateOne: {
            filter: { _id: id },
            update: { $inc: { views: seen.views }, $max: { lastViewedAt: seen.lastViewedAt } },
          },
        })),
        { ordered: false },
      );
    },
  };
}

function toShareLink(doc: ShareLinkDoc): ShareLink {
  return {
    id: doc._id,
    dashboardId: doc.dashboardId,
    name: doc.name,
    tokenHash: doc.tokenHash,
    expiresAt: doc.expiresAt ?? null,
    allowRangeChange: doc.allowRangeChange,
    frameOrigins: [...(doc.frameOrigins ?? [])],
    createdBy: doc.createdBy ?? null,
    createdAt: doc.createdAt,
    lastViewedAt: doc.lastViewedAt ?? null,
    views: doc.views ?? 0,
  };
}
