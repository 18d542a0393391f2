import {
  AppError,
  DEFAULT_RETENTION,
  dashboardNameSchema,
  type Role,
  retentionSchema,
  slugify,
  slugSchema,
} from '@bucketgrid/shared';
import { type Dashboard, type DashboardRef, type Store, UniqueViolation } from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from './activity.ts';
import { uniqueSlug } from './slugs.ts';
import { validate } from './validate.ts';

/**
 * Creates a dashboard in the owner's workspace. A slug the caller chose must be free; a slug
 * derived from the name gets a numeric suffix when taken.
 */
export async function createDashboard(
  store: Store,
  input: { ownerId: string; name: string; slug?: string; retention?: number },
): Promise<Dashboard> {
  const owner = await store.getUserById(input.ownerId);
  if (!owner) throw new AppError('not_found', 'No such user.');
  const name = validate(dashboardNameSchema, input.name, 'name');
  const retention = validate(retentionSchema, input.retention ?? DEFAULT_RETENTION, 'retention');
  const fields = { ownerId: owner.id, workspace: owner.workspace, name, retention };
  if (input.slug === undefined) {
    return uniqueSlug(slugify(name), (slug) => store.createDashboard({ ...fields, slug }));
  }
  const slug = validate(slugSchema, input.slug, 'slug');
  try {
    return await store.createDashboard({ ...fields, slug });
  } catch (error) {
    if (error instanceof UniqueViolation) {
      throw new AppError('slug_taken', `The slug "${slug}" is taken in this workspace.`);
    }
    throw error;
  }
}

export async function updateDashboard(
  store: Store,
  dashboardId: string,
  patch: { name?: string; slug?: string; retention?: number },
  by?: ChangeAuthor,
): Promise<Dashboard> {
  const clean: { name?: string; slug?: string; retention?: number } = {};
  if (patch.name !== undefined) clean.name = validate(dashboardNameSchema, patch.name, 'name');
  if (patch.slug !== undefined) clean.slug = validate(slugSchema, patch.slug, 'slug');
  if (patch.retention !== undefined) {
    clean.retention = validate(retentionSchema, patch.retention, 'retention');
  }
  try {
    const before = by ? await store.getDashboard(dashboardId) : null;
    const renamed = clean.name !== undefined && clean.name !== before?.name;
    const retained = clean.retention !== undefined && clean.retention !== before?.retention;
    const target = { type: 'dashboard', id: dashboardId, label: clean.name ?? before?.name ?? '' };
    // One change, one entry: a rename that also changes retention is noted as the rename, with
    // both fields before and after.
    const note = noteOf(
      renamed || retained ? by : undefined,
      dashboardId,
      renamed ? 'dashboard.renamed' : 'dashboard.retention_changed',
      target,
      {
        before: { name: before?.name, retention: before?.retention },
        after: {
          name: clean.name ?? before?.name,
          retention: clean.retention ?? before?.retention,
        },
      },
    );
    const updated = await store.updateDashboard(dashboardId, clean, note);
    if (!updated) throw new AppError('not_found', 'No such dashboard.');
    return updated;
  } catch (error) {
    if (error instanceof UniqueViolation) {
      throw new AppError('slug_taken', `The slug "${clean.slug}" is taken in this workspace.`);
    }
    throw error;
  }
}

/**
 * The dashboard (by id or path) and the user's role in it. A dashboard the user is not a
 * member of is not_found exactly like one that never existed, after the same single query,
 * so neither the answer nor the work done reveals that it exists.
 */
export async function getDashboardForMember(
  store: Store,
  ref: DashboardRef,
  userId: string,
): Promise<{ dashboard: Dashboard; role: Role }> {
  const found = await store.getDashboardForMember(ref, userId);
  if (!found) throw new AppError('not_found', 'No such dashboard.');
  const { role, ...dashboard } = found;
  return { dashboard, role };
}

/** Every dashboard the user is a member of, with their role, oldest first. */
export function listDashboardsForUser(store: Store, userId: string) {
  return store.listDashboardsForUser(userId);
}

/** Deletes the dashboard with its buckets, records, keys and memberships. */
export async function deleteDashboard(
  store: Store,
  dashboardId: string,
  by?: ChangeAuthor,
): Promise<void> {
  const dashboard = by ? await store.getDashboard(dashboardId) : null;
  const target = { type: 'dashboard', id: dashboardId, label: dashboard?.name ?? '' };
  return store.deleteDashboard(dashboardId, noteOf(by, dashboardId, 'dashboard.deleted', target));
}

/**
 * The dashboard by id, for callers that act on any dashboard (the admin CLI); people reach
 * dashboards through their membership instead.
 */
export async function getDashboardOrThrow(store: Store, dashboardId: string): Promise<Dashboard> {
  const dashboard = await store.getDashboard(dashboardId);
  if (!dashboard) throw new AppError('not_found', 'No such dashboard.');
  return dashboard;
}
