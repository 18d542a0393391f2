import { z } from 'zod';
import { MAX_SERIES_KEY } from './records.ts';

/** A colour as the web app stores it: `#rrggbb`. */
export const colorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb (six hexadecimal digits)');

export const seriesKeySchema = z.number().int().min(1).max(MAX_SERIES_KEY);

/** How a bucket describes one of its series keys: every legend, axis and header uses it. */
export const seriesMetaSchema = z
  .object({
    sk: seriesKeySchema,
    name: z.string().trim().min(1).max(60),
    unit: z.string().trim().max(16).default(''),
    color: colorSchema.nullable().default(null),
    /** Digits after the decimal point when shown; null lets the app choose. */
    decimals: z.number().int().min(0).max(6).nullable().default(null),
  })
  .strict();
export type SeriesMeta = z.output<typeof seriesMetaSchema>;

/** A bucket's whole series description: one entry per series key, at most one each. */
export const seriesListSchema = z
  .array(seriesMetaSchema)
  .max(MAX_SERIES_KEY)
  .superRefine((list, ctx) => {
    const seen = new Set<number>();
    list.forEach((meta, index) => {
      if (seen.has(meta.sk)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'sk'],
          message: `series key ${meta.sk} is described twice`,
        });
      }
      seen.add(meta.sk);
    });
  });

/** The name to show for a series key: its description's, else "Series 3". */
export function seriesName(series: readonly SeriesMeta[], sk: number): string {
  return series.find((meta) => meta.sk === sk)?.name ?? `Series ${sk}`;
}

/**
 * The series a bucket's data holds, for pickers and forms (`buckets.series`): each series key
 * with how many non-null values it has, from the bucket's coarsest stored figures (as of the
 * last upkeep, seconds behind) or, before any, its latest records. A bounded read whatever the
 * bucket's size: `partial` when it stopped at its cap (SERIES_SCAN_ROWS rows).
 */
export interface SeriesSummary {
  series: { sk: number; values: number }[];
  partial: boolean;
}

/** Stored cells (or records) a series summary reads at most. */
export const SERIES_SCAN_ROWS = 1_000;
