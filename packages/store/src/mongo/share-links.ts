import { newId } from '../ids.ts';
import type { ShareLink, Store } from '../store.ts';
import { writeActivity } from './activity.ts';
import type { Db } from './connection.ts';
import { findCredential, insertCredential, updateEach } from './dashboard-credentials.ts';
import { NEWEST_FIRST, type ShareLinkDoc, type UserDoc } from './models.ts';

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
      await insertCredential(db, shareLinks, doc, activity);
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

    getShareLink: (id) => findCredential(shareLinks, { _id: id }, toShareLink),

    getShareLinkByTokenHash: (tokenHash) => findCredential(shareLinks, { tokenHash }, toShareLink),

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

    recordShareLinkViews: (views) =>
      updateEach(shareLinks, views, (seen) => ({
        $inc: { views: seen.views },
        $max: { lastViewedAt: seen.lastViewedAt },
      })),
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
