import {
  createDashboard,
  deleteDashboard,
  listDashboardsForUser,
  updateDashboard,
} from '@bucketgrid/services';
import { dashboardNameSchema, type Role, retentionSchema, slugSchema } from '@bucketgrid/shared';
import type { Dashboard } from '@bucketgrid/store';
import { z } from 'zod';
import { liveInput, trackedEvents, viewOwner } from '../live.ts';
import { authedProcedure, dashboardProcedure, resolveScope, router } from '../trpc.ts';
import { dashboardLayoutProcedures } from './dashboard-layout.ts';

export const createDashboardInput = z.object({
  name: dashboardNameSchema,
  slug: slugSchema.optional(),
  retention: retentionSchema.optional(),
});
export const bySlugInput = z.object({ workspace: z.string().max(64), slug: z.string().max(64) });
export const updateDashboardInput = z.object({
  name: dashboardNameSchema.optional(),
  slug: slugSchema.optional(),
  retention: retentionSchema.optional(),
});

export const toDashboardView = (dashboard: Dashboard, role: Role) => ({ ...dashboard, role });
export type DashboardView = ReturnType<typeof toDashboardView>;

export const dashboardsRouter = router({
  ...dashboardLayoutProcedures,
  /** The caller's dashboards, their own and shared with them, each with the caller's role. */
  list: authedProcedure.query(async ({ ctx }) => {
    const dashboards = await listDashboardsForUser(ctx.store, ctx.user.id);
    return dashboards.map(({ role, ...dashboard }) => toDashboardView(dashboard, role));
  }),

  create: authedProcedure.input(createDashboardInput).mutation(async ({ ctx, input }) => {
    const dashboard = await createDashboard(ctx.store, { ownerId: ctx.user.id, ...input });
    return toDashboardView(dashboard, 'owner');
  }),

  get: dashboardProcedure('user').query(({ ctx }) => toDashboardView(ctx.dashboard, ctx.role)),

  /** Resolves a web app path `/:workspace/:dashboard`; NOT_FOUND for non-members. */
  bySlug: authedProcedure.input(bySlugInput).query(async ({ ctx, input }) => {
    const scope = await resolveScope(ctx, input, 'user');
    return toDashboardView(scope.dashboard, scope.role);
  }),

  update: dashboardProcedure('admin')
    .input(updateDashboardInput)
    .mutation(async ({ ctx, input }) => {
      const { dashboardId: _, ...patch } = input;
      const updated = await updateDashboard(ctx.store, ctx.dashboard.id, patch, ctx.author);
      return toDashboardView(updated, ctx.role);
    }),

  /** Deletes the dashboard with its buckets, records, keys and memberships. */
  delete: dashboardProcedure('owner').mutation(async ({ ctx }) => {
    await deleteDashboard(ctx.store, ctx.dashboard.id, ctx.author);
    ctx.live.endDashboard(ctx.dashboard.id);
    return { deleted: true };
  }),

  /**
   * One stream per open dashboard, for any member: `records` (a bucket's records were
   * written, deleted or purged), `buckets` (a bucket was created, renamed or deleted, or its
   * series description changed), `layout` (the grid was saved), `alerts` (a rule changed
   * state or was changed: docs/alerts.md). Events are tracked: a
   * reconnecting client resumes where it was or, when that is no longer known, is sent a
   * `buckets` event, a `records` event per bucket and the `layout` version, so that it
   * refetches what it shows.
   */
  live: dashboardProcedure('user')
    .input(liveInput)
    .subscription(({ ctx, input, signal }) => {
      const view = ctx.live.open({
        dashboardId: ctx.dashboard.id,
        owner: viewOwner(ctx),
        lastEventId: input.lastEventId,
        signal: signal ?? new AbortController().signal,
      });
      return trackedEvents(view);
    }),
});
