import {
  createContactPoint,
  deleteContactPoint,
  listContactPoints,
  listDeliveries,
  MAX_DELIVERY_LOG_PAGE,
  sendTestNotification,
} from '@bucketgrid/services';
import { contactPointInput, idSchema } from '@bucketgrid/shared';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { dashboardProcedure, router } from '../trpc.ts';

const pointIdInput = z.object({ contactPointId: idSchema });

const delivery = (ctx: Context) => ({
  ...ctx.alerts,
  store: ctx.store,
  mailer: ctx.sharing.mailer,
  now: ctx.now,
});

/**
 * Where a dashboard's alerts go: webhooks (signed), Slack-compatible webhooks, email. Members
 * see them (never a secret); owners and admins create, test and delete them. The signing
 * secret is in `create`'s answer only.
 */
export const contactPointsRouter = router({
  list: dashboardProcedure('user').query(({ ctx }) =>
    listContactPoints(ctx.store, ctx.dashboard.id),
  ),

  create: dashboardProcedure('admin')
    .input(z.object({ contactPoint: contactPointInput }))
    .mutation(({ ctx, input }) =>
      createContactPoint(
        ctx.store,
        ctx.dashboard.id,
        input.contactPoint,
        ctx.alerts.allowPrivate,
        ctx.author,
      ),
    ),

  delete: dashboardProcedure('admin')
    .input(pointIdInput)
    .mutation(async ({ ctx, input }) => {
      await deleteContactPoint(ctx.store, ctx.dashboard.id, input.contactPointId, ctx.author);
      return { deleted: true };
    }),

  /** Sends a test notification now; answers with the attempt (status, latency, error). */
  sendTest: dashboardProcedure('admin')
    .input(pointIdInput)
    .mutation(({ ctx, input }) =>
      sendTestNotification(delivery(ctx), ctx.dashboard.id, input.contactPointId),
    ),

  /** The latest delivery attempts to a contact point, newest first. */
  deliveries: dashboardProcedure('admin')
    .input(
      pointIdInput.extend({
        limit: z.number().int().min(1).max(MAX_DELIVERY_LOG_PAGE).default(50),
      }),
    )
    .query(({ ctx, input }) =>
      listDeliveries(ctx.store, ctx.dashboard.id, input.contactPointId, input.limit),
    ),
});
