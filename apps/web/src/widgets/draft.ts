import { type GridPosition, type Widget, type WidgetType, widgetSchema } from '@bucketgrid/shared';
import { definitionOf, widgetTypes } from './registry.ts';

/** The widget dialog's form: every option of every type, so switching type keeps choices. */
export interface WidgetDraft {
  type: WidgetType;
  title: string;
  bucketId: string;
  series: { sk: number; axis: 'left' | 'right' }[];
  style: 'line' | 'area';
  stacked: boolean;
  stat: 'avg' | 'min' | 'max' | 'last';
  band: boolean;
  preset: 'high' | 'low';
  limit: number;
  thresholds: { value: string; color: string }[];
  sparkline: boolean;
  showChange: boolean;
  markdown: string;
}

export function emptyDraft(type: WidgetType, bucketId = ''): WidgetDraft {
  return {
    type,
    title: '',
    bucketId,
    series: [],
    style: 'line',
    stacked: false,
    stat: 'avg',
    band: false,
    preset: 'high',
    limit: 20,
    thresholds: [],
    sparkline: true,
    showChange: true,
    markdown: '',
  };
}

export function draftFromWidget(widget: Widget): WidgetDraft {
  return {
    ...emptyDraft(widget.type),
    title: widget.title,
    ...definitionOf(widget).toDraft(widget),
  };
}

/** Form fields the schema's issue paths map to, for messages beside the right field. */
function fieldOf(path: PropertyKey[]): string {
  const [first] = path;
  if (first === 'sk' || first === 'series') return 'series';
  if (first === 'thresholds') return 'thresholds';
  return typeof first === 'string' ? first : 'form';
}

const friendly: Record<string, string> = {
  bucketId: 'Choose a bucket.',
  series: 'Choose at least one series.',
};

/**
 * Validates the draft with the server's own widget schema: the widget, or the first problem
 * and the field it belongs to.
 */
export function widgetFromDraft(
  draft: WidgetDraft,
  id: string,
  pos: GridPosition,
): { ok: true; widget: Widget } | { ok: false; field: string; message: string } {
  const definition = widgetTypes[draft.type];
  if (definition.bucket && draft.bucketId === '') {
    return { ok: false, field: 'bucketId', message: friendly.bucketId! };
  }
  const candidate = {
    id,
    type: draft.type,
    title: draft.title.trim(),
    pos,
    ...(definition.bucket ? { bucketId: draft.bucketId } : {}),
    ...definition.fromDraft(draft),
  };
  const result = widgetSchema.safeParse(candidate);
  if (result.success) return { ok: true, widget: result.data };
  const issue = result.error.issues[0]!;
  const field = fieldOf(issue.path);
  const tooFew =
    issue.code === 'too_small' || (field === 'series' && issue.code === 'invalid_type');
  const message =
    tooFew && friendly[field]
      ? friendly[field]!
      : field === 'thresholds'
        ? `Thresholds: ${issue.message.toLowerCase()}`
        : issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  return { ok: false, field, message };
}
