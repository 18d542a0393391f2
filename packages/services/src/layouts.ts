import { AppError, type DashboardLayout, type LayoutContent } from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from './activity.ts';

export async function getLayout(store: Store, dashboardId: string): Promise<DashboardLayout> {
  const layout = await store.getLayout(dashboardId);
  if (!layout) throw new AppError('not_found', 'No such dashboard.');
  return layout;
}

/**
 * Saves the grid if nobody saved since `version` (the version the editor started from);
 * otherwise refuses with layout_conflict, so two admins never silently overwrite each other.
 */
export async function saveLayout(
  store: Store,
  input: { dashboardId: string; userId: string; version: number; content: LayoutContent },
  now: number,
  by?: ChangeAuthor,
): Promise<DashboardLayout> {
  const note = noteOf(
    by,
    input.dashboardId,
    'layout.saved',
    { type: 'layout', id: input.dashboardId, label: `version ${input.version + 1}` },
    { before: { version: input.version }, after: { widgets: input.content.widgets.length } },
  );
  const result = await store.saveLayout(
    input.dashboardId,
    { expectedVersion: input.version, content: input.content, updatedBy: input.userId, at: now },
    note,
  );
  switch (result.status) {
    case 'saved':
      return result.layout;
    case 'conflict':
      throw new AppError(
        'layout_conflict',
        `Someone else saved this dashboard meanwhile (version ${result.current.version}); reload to see their changes, then edit again.`,
      );
    case 'not_found':
      throw new AppError('not_found', 'No such dashboard.');
  }
}
