import { type DashboardLayout, EMPTY_LAYOUT, type LayoutContent } from '@bucketgrid/shared';
import type { LayoutStore } from '../roles/tenancy.ts';
import type { Activity } from '../store.ts';
import type { ActivityWriter } from './activity.ts';
import type { Row, SqliteDb } from './connection.ts';

export function layoutMethods({ db, sql }: SqliteDb, writeActivity: ActivityWriter): LayoutStore {
  /** The stored layout, EMPTY_LAYOUT when never saved, null when the dashboard is gone. */
  const current = (dashboardId: string): DashboardLayout | null => {
    const row = sql(
      `SELECT l.* FROM dashboards d LEFT JOIN layouts l ON l.dashboard_id = d.id WHERE d.id = ?`,
    ).get(dashboardId) as Row | undefined;
    if (!row) return null;
    return row.version === null ? EMPTY_LAYOUT : toLayout(row);
  };
  // The version check and the write in one transaction: two saves from the same version
  // cannot both win.
  const save = db.transaction(
    (dashboardId: string, expectedVersion: number, next: Row, activity?: Activity) => {
      const layout = current(dashboardId);
      if (!layout) return { status: 'not_found' } as const;
      if (layout.version !== expectedVersion)
        return { status: 'conflict', current: layout } as const;
      sql(
        `INSERT INTO layouts (dashboard_id, version, content, updated_at, updated_by)
       VALUES (@dashboardId, @version, @content, @at, @by)
       ON CONFLICT (dashboard_id) DO UPDATE SET version = @version, content = @content,
         updated_at = @at, updated_by = @by`,
      ).run({ dashboardId, ...next });
      writeActivity(activity);
      return { status: 'saved', layout: current(dashboardId)! } as const;
    },
  );
  return {
    async getLayout(dashboardId) {
      return current(dashboardId);
    },
    async saveLayout(dashboardId, { expectedVersion, content, updatedBy, at }, activity) {
      return save(
        dashboardId,
        expectedVersion,
        { version: expectedVersion + 1, content: JSON.stringify(content), at, by: updatedBy },
        activity,
      );
    },
  };
}

function toLayout(row: Row): DashboardLayout {
  const content = JSON.parse(row.content as string) as LayoutContent;
  return {
    ...content,
    // Layouts saved before the setting existed use the default width.
    maxWidth: content.maxWidth ?? null,
    version: row.version as number,
    updatedAt: row.updated_at as number,
    updatedBy: row.updated_by as string | null,
  };
}
