import { z } from 'zod';
import { idSchema } from './domain.ts';
import { colorSchema, seriesKeySchema } from './series.ts';
import { DEFAULT_RELATIVE_RANGE, type RelativeRange, relativeRangeNames } from './time-range.ts';

/**
 * A dashboard's grid of widgets, as stored and as the web app edits it. Positions are in a
 * 12-column grid (the desktop layout); narrower screens reflow the widgets in (y, x) order.
 */
export const GRID_COLUMNS = 12;
export const MAX_GRID_ROWS = 1_000;
export const MAX_WIDGET_HEIGHT = 24;
export const MAX_WIDGETS = 50;
export const MAX_WIDGET_SERIES = 10;
export const MAX_TEXT_WIDGET_LENGTH = 4_000;
/** The grid's widest default (px): wider screens get margins, so charts stay readable. */
export const DEFAULT_GRID_MAX_WIDTH = 2_400;
/** The range a dashboard may set as its grid's widest (px), from a laptop to an 8K wall. */
export const MIN_GRID_MAX_WIDTH = 960;
export const MAX_GRID_MAX_WIDTH = 7_680;

export const widgetIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, '1 to 32 letters, digits, "_" or "-"');

export const gridPositionSchema = z
  .object({
    x: z
      .number()
      .int()
      .min(0)
      .max(GRID_COLUMNS - 1),
    y: z.number().int().min(0).max(MAX_GRID_ROWS),
    w: z.number().int().min(1).max(GRID_COLUMNS),
    h: z.number().int().min(1).max(MAX_WIDGET_HEIGHT),
  })
  .strict()
  .refine((pos) => pos.x + pos.w <= GRID_COLUMNS, {
    message: `the widget must fit in ${GRID_COLUMNS} columns (x + w ≤ ${GRID_COLUMNS})`,
  });
export type GridPosition = z.output<typeof gridPositionSchema>;

const widgetBase = {
  id: widgetIdSchema,
  /** Empty: the app shows a title derived from the bucket and series. */
  title: z.string().trim().max(100).default(''),
  pos: gridPositionSchema,
};

const seriesKeys = z.array(seriesKeySchema).min(1).max(MAX_WIDGET_SERIES);

/** Lines or areas over time, for TSV and IV buckets. */
export const timeChartWidgetSchema = z
  .object({
    ...widgetBase,
    type: z.literal('timeChart'),
    bucketId: idSchema,
    series: z
      .array(
        z.object({ sk: seriesKeySchema, axis: z.enum(['left', 'right']).default('left') }).strict(),
      )
      .min(1)
      .max(MAX_WIDGET_SERIES),
    style: z.enum(['line', 'area']).default('line'),
    stacked: z.boolean().default(false),
    /** Which per-interval figure a downsampled line shows. */
    stat: z.enum(['avg', 'min', 'max', 'last']).default('avg'),
    /**
     * A band from each interval's minimum to its maximum behind the line, so a spike inside
     * an interval shows whatever the line follows.
     */
    band: z.boolean().default(false),
    /**
     * `high`: thin lines, no points, no animation (high-frequency data);
     * `low`: points and smoothed lines (low-frequency data).
     */
    preset: z.enum(['high', 'low']).default('high'),
  })
  .strict();

/** KV buckets: a bar per key; other buckets: a bar per series, at its latest value. */
export const barChartWidgetSchema = z
  .object({
    ...widgetBase,
    type: z.literal('barChart'),
    bucketId: idSchema,
    series: seriesKeys,
    /** The most bars (keys) a KV bucket shows. */
    limit: z.number().int().min(1).max(100).default(20),
  })
  .strict();

export const thresholdSchema = z
  .object({ value: z.number().finite(), color: colorSchema })
  .strict();

/** The latest value of one series with its unit, a sparkline and the change over the range. */
export const statWidgetSchema = z
  .object({
    ...widgetBase,
    type: z.literal('stat'),
    bucketId: idSchema,
    sk: seriesKeySchema,
    /** The value takes the colour of the highest threshold it reaches. */
    thresholds: z.array(thresholdSchema).max(5).default([]),
    sparkline: z.boolean().default(true),
    showChange: z.boolean().default(true),
  })
  .strict();

/** The latest records of a bucket; no series means all of them. */
export const tableWidgetSchema = z
  .object({
    ...widgetBase,
    type: z.literal('table'),
    bucketId: idSchema,
    series: z.array(seriesKeySchema).max(MAX_WIDGET_SERIES).default([]),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .strict();

/** A short Markdown note, rendered without HTML. */
export const textWidgetSchema = z
  .object({
    ...widgetBase,
    type: z.literal('text'),
    markdown: z.string().max(MAX_TEXT_WIDGET_LENGTH),
  })
  .strict();

export const widgetSchema = z.discriminatedUnion('type', [
  timeChartWidgetSchema,
  barChartWidgetSchema,
  statWidgetSchema,
  tableWidgetSchema,
  textWidgetSchema,
]);
export type Widget = z.output<typeof widgetSchema>;
export type WidgetInput = z.input<typeof widgetSchema>;
export type WidgetType = Widget['type'];

/** What an admin saves: the widgets and the range the dashboard opens on. */
export const layoutContentSchema = z
  .object({
    widgets: z
      .array(widgetSchema)
      .max(MAX_WIDGETS)
      .superRefine((widgets, ctx) => {
        const seen = new Set<string>();
        widgets.forEach((widget, index) => {
          if (seen.has(widget.id)) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'id'],
              message: `widget id "${widget.id}" is used twice`,
            });
          }
          seen.add(widget.id);
        });
      }),
    defaultRange: z
      .enum(relativeRangeNames as [RelativeRange, ...RelativeRange[]])
      .default(DEFAULT_RELATIVE_RANGE),
    /** How wide the grid may grow (px); null: `DEFAULT_GRID_MAX_WIDTH`. */
    maxWidth: z
      .number()
      .int()
      .min(MIN_GRID_MAX_WIDTH)
      .max(MAX_GRID_MAX_WIDTH)
      .nullable()
      .default(null),
  })
  .strict();
export type LayoutContent = z.output<typeof layoutContentSchema>;

/**
 * A dashboard's saved layout. `version` counts saves (0: never saved); a save names the
 * version it started from, and a save from an older version is a conflict, not an overwrite.
 */
export interface DashboardLayout extends LayoutContent {
  version: number;
  updatedAt: number | null;
  /** Who saved it last (a user id), null before the first save. */
  updatedBy: string | null;
}

export const EMPTY_LAYOUT: DashboardLayout = {
  version: 0,
  widgets: [],
  defaultRange: DEFAULT_RELATIVE_RANGE,
  maxWidth: null,
  updatedAt: null,
  updatedBy: null,
};
