import {
  alertHistory,
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  pauseAlertRule,
  previewAlertRule,
  silenceAlertRule,
  updateAlertRule,
} from '@bucketgrid/services';
import {
  alertPauseInput,
  alertRuleInput,
  alertSilenceInput,
  idSchema,
  MAX_ALERT_HISTORY_PAGE,
  thresholdConditionSchema,
} from '@bucketgrid/shared';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { dashboardProcedure, router } from '../trpc.ts';

const ruleIdInput = z.object({ ruleId: idSchema });

/** The dashboard's open views refetch its rules: one was created, changed or deleted. */
function tellViews<T>(
  ctx: Pick<Context, 'live' | 'now'> & { dashboard: { id: string } },
  result: T,
): T {
  ctx.live.publish(ctx.dashboard.id, { type: 'alerts', at: ctx.now() });
  return result;
}

/**
 * Alert rules of a dashboard (docs/alerts.md): members see them with their states and
 * history; owners and admins create, change, pause, silence and delete them.
 */
export const alertsRouter = router({
  list: dashboardProcedure('user').query(({ ctx }) => listAlertRules(ctx.store, ctx.dashboard.id)),

  get: dashboardProcedure('user')
    .input(ruleIdInput)
    .query(({ ctx, input }) => getAlertRule(ctx.store, ctx.dashboard.id, input.ruleId)),

  /** A rule's changes of state, newest first, with the value that decided each. */
  history: dashboardProcedure('user')
    .input(
      ruleIdInput.extend({
        limit: z.number().int().min(1).max(MAX_ALERT_HISTORY_PAGE).default(50),
      }),
    )
    .query(({ ctx, input }) =>
      alertHistory(ctx.store, ctx.dashboard.id, input.ruleId, input.limit),
    ),

  /**
   * What a threshold condition (saved or not) would have done over the last 24 hours: the
   * series, and when it would have fired. One downsampled read of the 24 hours.
   */
  preview: dashboardProcedure('admin')
    .input(z.object({ condition: thresholdConditionSchema }))
    .query(({ ctx, input }) =>
      previewAlertRule(ctx.store, ctx.dashboard.id, input.condition, ctx.now()),
    ),

  create: dashboardProcedure('admin')
    .input(alertRuleInput)
    .mutation(async ({ ctx, input }) =>
      tellViews(ctx, await createAlertRule(ctx.store, ctx.dashboard.id, input, ctx.author)),
    ),

  update: dashboardProcedure('admin')
    .input(ruleIdInput.extend({ rule: alertRuleInput }))
    .mutation(async ({ ctx, input }) =>
      tellViews(
        ctx,
        await updateAlertRule(ctx.store, ctx.dashboard.id, input.ruleId, input.rule, ctx.author),
      ),
    ),

  pause: dashboardProcedure('admin')
    .input(ruleIdInput.extend(alertPauseInput.shape))
    .mutation(async ({ ctx, input }) =>
      tellViews(
        ctx,
        await pauseAlertRule(ctx.store, ctx.dashboard.id, input.ruleId, input.paused, ctx.author),
      ),
    ),

  silence: dashboardProcedure('admin')
    .input(ruleIdInput.extend(alertSilenceInput.shape))
    .mutation(async ({ ctx, input }) =>
      tellViews(
        ctx,
        await silenceAlertRule(ctx.store, ctx.dashboard.id, input.ruleId, input.until, ctx.author),
      ),
    ),

  delete: dashboardProcedure('admin')
    .input(ruleIdInput)
    .mutation(async ({ ctx, input }) => {
      await deleteAlertRule(ctx.store, ctx.dashboard.id, input.ruleId, ctx.author);
      return tellViews(ctx, { deleted: true });
    }),
});
