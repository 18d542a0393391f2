import { z } from 'zod';
import { idSchema } from './domain.ts';
import { seriesKeySchema } from './series.ts';

/**
 * Alerts (docs/alerts.md): rules on one series of a TSV or IV bucket, or on a bucket's
 * silence, evaluated by the server; contact points that are told when a rule fires and when
 * it resolves.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const alertAggregations = ['avg', 'min', 'max', 'last', 'count'] as const;
export type AlertAggregation = (typeof alertAggregations)[number];
export const alertComparisons = ['above', 'below', 'outside', 'inside'] as const;
export type AlertComparison = (typeof alertComparisons)[number];
export const alertStates = ['ok', 'pending', 'firing'] as const;
export type AlertState = (typeof alertStates)[number];

/** A window or a silence: 1 minute to 24 hours (ms). For IV buckets a span of keys. */
export const alertWindowSchema = z.number().int().min(MINUTE).max(DAY);
/** How long a condition holds before the rule fires: 0 to 24 hours (ms). */
export const alertForSchema = z.number().int().min(0).max(DAY);

const finite = z.number().finite();

/**
 * `aggregation` of the series over the last `window` `comparison` the threshold(s), true for
 * `forMs` before the rule fires. `above`/`below` take `threshold`; `outside`/`inside` take
 * `threshold` (low) and `threshold2` (high).
 */
export const thresholdConditionSchema = z
  .object({
    kind: z.literal('threshold'),
    bucketId: idSchema,
    seriesKey: seriesKeySchema,
    aggregation: z.enum(alertAggregations),
    window: alertWindowSchema,
    comparison: z.enum(alertComparisons),
    threshold: finite,
    threshold2: finite.optional(),
    forMs: alertForSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    const two = c.comparison === 'outside' || c.comparison === 'inside';
    if (two && (c.threshold2 === undefined || c.threshold2 <= c.threshold)) {
      ctx.addIssue({
        code: 'custom',
        path: ['threshold2'],
        message: `"${c.comparison}" needs threshold2 above threshold (the range's high end)`,
      });
    }
    if (!two && c.threshold2 !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['threshold2'],
        message: `"${c.comparison}" takes one threshold: leave threshold2 out`,
      });
    }
  });
export type ThresholdCondition = z.infer<typeof thresholdConditionSchema>;

/**
 * The bucket (or, on a TSV bucket, one series of it) received nothing for `silence`: the
 * rule fires as soon as that is true and resolves at the next record.
 */
export const noDataConditionSchema = z
  .object({
    kind: z.literal('no_data'),
    bucketId: idSchema,
    seriesKey: seriesKeySchema.optional(),
    silence: alertWindowSchema,
  })
  .strict();
export type NoDataCondition = z.infer<typeof noDataConditionSchema>;

export const alertConditionSchema = z.union([thresholdConditionSchema, noDataConditionSchema]);
export type AlertCondition = z.infer<typeof alertConditionSchema>;

/** Contact points a rule notifies, at most this many. */
export const MAX_CONTACT_POINTS_PER_RULE = 5;

export const alertRuleInput = z.object({
  name: z.string().trim().min(1).max(100),
  condition: alertConditionSchema,
  contactPointIds: z.array(idSchema).max(MAX_CONTACT_POINTS_PER_RULE).default([]),
});
export type AlertRuleInput = z.input<typeof alertRuleInput>;
/** A rule as checked by `alertRuleInput` (contactPointIds filled in). */
export type AlertRuleSpec = z.output<typeof alertRuleInput>;

/** Pause (no evaluation, no notification) or resume. */
export const alertPauseInput = z.object({ paused: z.boolean() }).strict();
/** Silence notifications until a time (unix ms; null ends a silence). States still change. */
export const alertSilenceInput = z
  .object({ until: z.number().int().min(0).max(8.64e15).nullable() })
  .strict();

export const contactPointKinds = ['webhook', 'slack', 'email'] as const;
export type ContactPointKind = (typeof contactPointKinds)[number];

/** http(s) only; whether the host may be a private address is checked when sending. */
export const webhookUrlSchema = z
  .string()
  .max(2_000)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const contactPointInput = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('email'),
      name: z.string().trim().min(1).max(100),
      email: z.email().max(254),
    })
    .strict(),
  z
    .object({
      kind: z.literal('webhook'),
      name: z.string().trim().min(1).max(100),
      url: webhookUrlSchema,
    })
    .strict(),
  z
    .object({
      kind: z.literal('slack'),
      name: z.string().trim().min(1).max(100),
      url: webhookUrlSchema,
    })
    .strict(),
]);
export type ContactPointInput = z.infer<typeof contactPointInput>;

/** Rules one dashboard may hold. */
export const MAX_ALERT_RULES_PER_DASHBOARD = 100;
/** Contact points one dashboard may hold. */
export const MAX_CONTACT_POINTS_PER_DASHBOARD = 20;
/** Notifications one contact point gets per clock hour; beyond it one summary, then none. */
export const NOTIFICATIONS_PER_CONTACT_POINT_PER_HOUR = 30;
/** Changes of state one rule's history lists at most. */
export const MAX_ALERT_HISTORY_PAGE = 100;
