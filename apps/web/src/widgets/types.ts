import type { Widget, WidgetType } from '@bucketgrid/shared';
import type { ComponentType } from 'react';
import type { DashboardRange } from '../lib/time-range.ts';
import type { Bucket } from '../lib/trpc.ts';
import type { WidgetDraft } from './draft.ts';

export type WidgetOf<T extends WidgetType> = Extract<Widget, { type: T }>;

/** What the grid gives a widget to draw itself (text widgets have no bucket). */
export interface WidgetViewProps<T extends WidgetType> {
  widget: WidgetOf<T>;
  bucket: T extends 'text' ? undefined : Bucket;
  range: DashboardRange;
  /** The widget body's content box in CSS pixels. */
  size: { width: number; height: number };
  /** Drag across a time chart: zoom the whole dashboard to that range. */
  onZoom: (from: number, to: number) => void;
}

/** What the widget dialog gives a type's options form. */
export interface WidgetOptionsProps {
  draft: WidgetDraft;
  update: (patch: Partial<WidgetDraft>) => void;
  /** The message for a field the schema refused, if it is this one. */
  errorFor: (field: string) => string | undefined;
}

/**
 * Everything the app knows about one widget type, in the type's own folder: the grid, the
 * frame and the widget dialog ask this instead of switching on the type.
 */
export interface WidgetDefinition<T extends WidgetType> {
  label: string;
  /** One line in the dialog's type choice. */
  hint: string;
  /** Grid size of a new widget, and the smallest it may be resized to (columns, rows). */
  size: { w: number; h: number; minW: number; minH: number };
  /** The buckets it can show and how many series it takes; null: it shows no bucket. */
  bucket: {
    fits: (bucket: Bucket) => boolean;
    series: 'one' | 'many' | 'many-with-axes';
  } | null;
  /** The title field's placeholder: what the widget shows when the title is left empty. */
  titlePlaceholder: string;
  /** The title shown when the widget has none. */
  defaultTitle: (widget: WidgetOf<T>, bucket: Bucket | undefined) => string;
  /** The dialog's draft of an existing widget (fields of the other types keep defaults). */
  toDraft: (widget: WidgetOf<T>) => Partial<WidgetDraft>;
  /** The type's own fields from the draft, before the schema checks them. */
  fromDraft: (draft: WidgetDraft) => Record<string, unknown>;
  View: ComponentType<WidgetViewProps<T>>;
  Options: ComponentType<WidgetOptionsProps> | null;
}
