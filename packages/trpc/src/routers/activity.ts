import { listActivity } from '@bucketgrid/services';
import {
  ACCOUNT_HISTORY_LENGTH,
  activityActionSchema,
  activityActorTypes,
  idSchema,
  MAX_ACTIVITY_PAGE,
} from '@bucketgrid/shared';
import { z } from 'zod';
import { authedProcedure, dashboardProcedure, router } from '../trpc.ts';

export const listActivityInput = z.object({
  actorType: z.enum(activityActorTypes).optional(),
  actorId: idSchema.optional(),
  action: activityActionSchema.optional(),
  /** Inclusive bounds, unix ms. */
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(MAX_ACTIVITY_PAGE).default(50),
  /** A page's nextCursor, for the next (older) page. */
  cursor: z.string().max(200).nullable().optional(),
});

/** The dashboard's activity log: owners and admins only, and only their dashboard's. */
export const activityRouter = router({
  list: dashboardProcedure('admin')
    .input(listActivityInput)
    .query(({ ctx, input }) => {
      const { limit, cursor, ...filter } = input;
      return listActivity(ctx.store, ctx.dashboard.id, filter, { limit, cursor });
    }),

  /** The signed-in user's own sign-ins and password changes, newest first. */
  account: authedProcedure.query(async ({ ctx }) =>
    (await ctx.store.listAccountEvents(ctx.user.id, ACCOUNT_HISTORY_LENGTH)).map(
      ({ at, kind, address, userAgent }) => ({ at, kind, address, userAgent }),
    ),
  ),
});
