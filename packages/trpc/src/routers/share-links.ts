import {
  createShareLink,
  listShareLinks,
  regenerateShareLink,
  revokeShareLink,
  type ShareLinkDeps,
} from '@bucketgrid/services';
import { idSchema, shareLinkSettingsSchema } from '@bucketgrid/shared';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { dashboardProcedure, router } from '../trpc.ts';

export const shareLinkIdInput = z.object({ shareLinkId: idSchema });

const deps = (ctx: Context): ShareLinkDeps => ({
  store: ctx.store,
  publicUrl: ctx.sharing.publicUrl,
  now: ctx.now,
});

/**
 * Managing a dashboard's public share links: owners and admins. A link's token is in answers
 * only once, as `url` (create, regenerate); the store keeps its hash. Revoking or regenerating
 * ends the link's open live views at once, in every process (the store's change publishes it:
 * packages/live/src/publishing-store.ts).
 */
export const shareLinksRouter = router({
  /** Newest first, with views counted up to now (the counts are written in batches). */
  list: dashboardProcedure('admin').query(async ({ ctx }) =>
    (await listShareLinks(ctx.store, ctx.dashboard.id)).map((link) =>
      ctx.sharing.shareTraffic.withPendingViews(link),
    ),
  ),

  create: dashboardProcedure('admin')
    .input(shareLinkSettingsSchema)
    .mutation(({ ctx, input }) => {
      const { dashboardId: _, ...settings } = input;
      return createShareLink(deps(ctx), ctx.dashboard.id, ctx.user, settings, ctx.author);
    }),

  regenerate: dashboardProcedure('admin')
    .input(shareLinkIdInput)
    .mutation(async ({ ctx, input }) => {
      const issued = await regenerateShareLink(
        deps(ctx),
        ctx.dashboard.id,
        input.shareLinkId,
        ctx.author,
      );
      return issued;
    }),

  revoke: dashboardProcedure('admin')
    .input(shareLinkIdInput)
    .mutation(async ({ ctx, input }) => {
      await revokeShareLink(ctx.store, ctx.dashboard.id, input.shareLinkId, ctx.author);
      return { revoked: true };
    }),
});
