import type { Widget, WidgetType } from '@bucketgrid/shared';
import type { Bucket } from '../lib/trpc.ts';
import { barChart } from './barChart/index.ts';
import { stat } from './stat/index.ts';
import { table } from './table/index.ts';
import { text } from './text/index.ts';
import { timeChart } from './timeChart/index.ts';
import type { WidgetDefinition } from './types.ts';

/** Every widget type, in the order the widget dialog offers them. */
export const widgetTypes: { [T in WidgetType]: WidgetDefinition<T> } = {
  timeChart,
  barChart,
  stat,
  table,
  text,
};

export const widgetTypeNames = Object.keys(widgetTypes) as WidgetType[];

/**
 * A widget's definition, typed for any widget: TypeScript cannot follow the link between a
 * widget's `type` and the record's entry, so the one cast lives here.
 */
export function definitionOf(widget: Widget): WidgetDefinition<WidgetType> {
  return widgetTypes[widget.type] as unknown as WidgetDefinition<WidgetType>;
}

/** The title a widget shows: its own, else what it is about. */
export function widgetTitle(widget: Widget, bucket: Bucket | undefined): string {
  return widget.title || definitionOf(widget).defaultTitle(widget, bucket);
}
