import {
  createDashboard,
  deleteDashboard,
  listDashboardsForUser,
  updateDashboard,
} from '@bucketgrid/services';
import { dashboardNameSchema, type Role, retentionSchema, slugSchema } from '@bucketgrid/shared';
import type { Dashboard } from '@bucketgrid/store';
import { z } from 'zod';
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
      return toDashboardView(await updateDashboard(ctx.store, ctx.dashboard.id, patch), ctx.role);
    }),

  /** Deletes the dashboard with its buckets, records, keys and memberships. */
  delete: dashboardProcedure('owner').mutation(async ({ ctx }) => {
    await deleteDashboard(ctx.store, ctx.dashboard.id);
    return { deleted: true };
  }),
});
