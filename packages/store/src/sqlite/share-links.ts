import { newId } from '../ids.ts';
import type { ShareLink, ShareLinkWithCreator, Store } from '../store.ts';
import type { ActivityWriter } from './activity.ts';
import type { Row, SqliteDb } from './connection.ts';
import { isForeignKeyFailure, missingReference } from './errors.ts';

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

export function shareLinkMethods(
  sqlite: SqliteDb,
  writeActivity: ActivityWriter,
): ShareLinkMethods {
  const { db, sql } = sqlite;
  const missingDashboardOr = missingReference(sqlite);
  const getById = (id: string) => {
    const row = sql('SELECT * FROM share_links WHERE id = ?').get(id) as Row | undefined;
    return row ? toShareLink(row) : null;
  };
  return {
    async createShareLink(input, activity) {
      const link: ShareLink = { ...input, id: newId(), lastViewedAt: null, views: 0 };
      try {
        db.transaction(() => {
          sql(
            `INSERT INTO share_links (id, dashboard_id, name, token_hash, expires_at,
               allow_range_change, frame_origins, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            link.id,
            link.dashboardId,
            link.name,
            link.tokenHash,
            link.expiresAt,
            link.allowRangeChange ? 1 : 0,
            JSON.stringify(link.frameOrigins),
            link.createdBy,
            link.createdAt,
          );
          writeActivity(activity && { ...activity, target: { ...activity.target, id: link.id } });
        })();
      } catch (error) {
        if (isForeignKeyFailure(error)) throw missingDashboardOr('user', link.dashboardId);
        throw error;
      }
      return link;
    },

    async listShareLinks(dashboardId) {
      const rows = sql(
        `SELECT s.*, u.name AS created_by_name FROM share_links s
         LEFT JOIN users u ON u.id = s.created_by
         WHERE s.dashboard_id = ? ORDER BY s.created_at DESC, s.id DESC`,
      ).all(dashboardId) as Row[];
      return rows.map(
        (row): ShareLinkWithCreator => ({
          ...toShareLink(row),
          createdByName: (row.created_by_name as string | null) ?? '',
        }),
      );
    },

    async getShareLink(id) {
      return getById(id);
    },

    async getShareLinkByTokenHash(tokenHash) {
      const row = sql('SELECT * FROM share_links WHERE token_hash = ?').get(tokenHash) as
        | Row
        | undefined;
      return row ? toShareLink(row) : null;
    },

    async regenerateShareLink(dashboardId, id, tokenHash, activity) {
      return db.transaction(() => {
        const { changes } = sql(
          'UPDATE share_links SET token_hash = ? WHERE id = ? AND dashboard_id = ?',
        ).run(tokenHash, id, dashboardId);
        if (changes === 0) return null;
        writeActivity(activity);
        return getById(id);
      })();
    },

    async revokeShareLink(dashboardId, id, activity) {
      return db.transaction(() => {
        const link = getById(id);
        if (!link || link.dashboardId !== dashboardId) return null;
        sql('DELETE FROM share_links WHERE id = ?').run(id);
        writeActivity(activity);
        return link;
      })();
    },

    async recordShareLinkViews(views) {
      const add = sql(
        `UPDATE share_links SET views = views + ?,
           last_viewed_at = max(coalesce(last_viewed_at, 0), ?) WHERE id = ?`,
      );
      db.transaction(() => {
        for (const [id, seen] of views) add.run(seen.views, seen.lastViewedAt, id);
      })();
    },
  };
}

function toShareLink(r: Row): ShareLink {
  return {
    id: r.id as string,
    dashboardId: r.dashboard_id as string,
    name: r.name as string,
    tokenHash: r.token_hash as string,
    expiresAt: r.expires_at as number | null,
    allowRangeChange: r.allow_range_change === 1,
    frameOrigins: JSON.parse(r.frame_origins as string) as string[],
    createdBy: r.created_by as string | null,
    createdAt: r.created_at as number,
    lastViewedAt: r.last_viewed_at as number | null,
    views: r.views as number,
  };
}
