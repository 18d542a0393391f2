import { type DashboardLayout, EMPTY_LAYOUT } from '@bucketgrid/shared';
import type { LayoutStore } from '../roles/tenancy.ts';
import { writeActivity } from './activity.ts';
import type { Db } from './connection.ts';
import type { LayoutDoc } from './models.ts';

export function layoutMethods(db: Db): LayoutStore {
  const { dashboards, layouts } = db.models;
  return {
    async getLayout(dashboardId) {
      const [dashboard, doc] = await Promise.all([
        dashboards.exists({ _id: dashboardId }),
        layouts.findById(dashboardId).lean<LayoutDoc>(),
      ]);
      if (!dashboard) return null;
      return doc ? toLayout(doc) : EMPTY_LAYOUT;
    },

    async saveLayout(dashboardId, { expectedVersion, content, updatedBy, at }, activity) {
      // Read and write in one transaction: two saves from the same version both write the
      // layout document, so MongoDB lets one commit and retries the other, which then sees
      // the new version. Reading the dashboard too makes a save that races its deletion
      // either land first (and go with it) or find it gone.
      return db.transaction(async (session) => {
        // One operation at a time: a session does not run operations in parallel.
        const dashboard = await dashboards
          .findById(dashboardId, { _id: 1 })
          .session(session)
          .lean<{ _id: string }>();
        if (!dashboard) return { status: 'not_found' } as const;
        const doc = await layouts.findById(dashboardId).session(session).lean<LayoutDoc>();
        const current = doc ? toLayout(doc) : EMPTY_LAYOUT;
        if (current.version !== expectedVersion) return { status: 'conflict', current } as const;
        const next: LayoutDoc = {
          _id: dashboardId,
          version: expectedVersion + 1,
          content,
          updatedAt: at,
          updatedBy,
        };
        await layouts.replaceOne({ _id: dashboardId }, next, { session, upsert: true });
        await writeActivity(db.models, session, activity);
        return { status: 'saved', layout: toLayout(next) } as const;
      });
    },
  };
}

function toLayout(doc: LayoutDoc): DashboardLayout {
  return {
    ...doc.content,
    // Layouts saved before the setting existed use the default width.
    maxWidth: doc.content.maxWidth ?? null,
    version: doc.version,
    updatedAt: doc.updatedAt,
    updatedBy: doc.updatedBy,
  };
}
