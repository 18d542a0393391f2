import { getLayout, saveLayout } from '@bucketgrid/services';
import { layoutContentSchema } from '@bucketgrid/shared';
import { z } from 'zod';
import { dashboardProcedure } from '../trpc.ts';

/** The dashboard's grid of widgets. Part of the `dashboards` router. */

/** The layout to save and the version the editor started from (a stale one is a conflict). */
export const saveLayoutInput = z.object({
  version: z.number().int().min(0),
  widgets: layoutContentSchema.shape.widgets,
  defaultRange: layoutContentSchema.shape.defaultRange,
  maxWidth: layoutContentSchema.shape.maxWidth,
});

export const dashboardLayoutProcedures = {
  layout: dashboardProcedure('user').query(({ ctx }) => getLayout(ctx.store, ctx.dashboard.id)),

  saveLayout: dashboardProcedure('admin')
    .input(saveLayoutInput)
    .mutation(({ ctx, input }) =>
      saveLayout(
        ctx.store,
        {
          dashboardId: ctx.dashboard.id,
          userId: ctx.user.id,
          version: input.version,
          content: {
            widgets: input.widgets,
            defaultRange: input.defaultRange,
            maxWidth: input.maxWidth,
          },
        },
        ctx.now(),
        ctx.author,
      ),
    ),
};
