import { type GridPosition, type Widget, type WidgetType, widgetSchema } from '@bucketgrid/shared';

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

export const widgetTypeLabels: Record<WidgetType, string> = {
  timeChart: 'Time chart',
  barChart: 'Bar chart',
  stat: 'Stat',
  table: 'Table',
  text: 'Text',
};

export const widgetTypeHints: Record<WidgetType, string> = {
  timeChart: 'Lines or areas over time (TSV and IV buckets)',
  barChart: 'A bar per key (KV), or per series at its latest value',
  stat: 'The latest value of one series, with its trend',
  table: 'The latest records of a bucket',
  text: 'A short Markdown note',
};

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
  const draft = { ...emptyDraft(widget.type), title: widget.title };
  switch (widget.type) {
    case 'timeChart':
      return {
        ...draft,
        bucketId: widget.bucketId,
        series: widget.series.map((s) => ({ ...s })),
        style: widget.style,
        stacked: widget.stacked,
        stat: widget.stat,
        band: widget.band,
        preset: widget.preset,
      };
    case 'barChart':
      return {
        ...draft,
        bucketId: widget.bucketId,
        series: axisLeft(widget.series),
        limit: widget.limit,
      };
    case 'stat':
      return {
        ...draft,
        bucketId: widget.bucketId,
        series: axisLeft([widget.sk]),
        thresholds: widget.thresholds.map((t) => ({ value: String(t.value), color: t.color })),
        sparkline: widget.sparkline,
        showChange: widget.showChange,
      };
    case 'table':
      return {
        ...draft,
        bucketId: widget.bucketId,
        series: axisLeft(widget.series),
        limit: widget.limit,
      };
    case 'text':
      return { ...draft, markdown: widget.markdown };
  }
}

function axisLeft(sks: number[]): WidgetDraft['series'] {
  return sks.map((sk) => ({ sk, axis: 'left' as const }));
}

/** The widget the draft describes, before validation. */
function candidate(draft: WidgetDraft, id: string, pos: GridPosition): unknown {
  const base = { id, title: draft.title.trim(), pos };
  const sks = draft.series.map((s) => s.sk);
  switch (draft.type) {
    case 'timeChart':
      return {
        ...base,
        type: draft.type,
        bucketId: draft.bucketId,
        series: draft.series,
        style: draft.style,
        stacked: draft.stacked,
        stat: draft.stat,
        band: draft.band,
        preset: draft.preset,
      };
    case 'barChart':
      return {
        ...base,
        type: draft.type,
        bucketId: draft.bucketId,
        series: sks,
        limit: draft.limit,
      };
    case 'stat':
      return {
        ...base,
        type: draft.type,
        bucketId: draft.bucketId,
        sk: sks[0],
        thresholds: draft.thresholds.map((t) => ({
          value: t.value.trim() === '' ? Number.NaN : Number(t.value),
          color: t.color,
        })),
        sparkline: draft.sparkline,
        showChange: draft.showChange,
      };
    case 'table':
      return {
        ...base,
        type: draft.type,
        bucketId: draft.bucketId,
        series: sks,
        limit: draft.limit,
      };
    case 'text':
      return { ...base, type: draft.type, markdown: draft.markdown };
  }
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
  if (draft.type !== 'text' && draft.bucketId === '') {
    return { ok: false, field: 'bucketId', message: friendly.bucketId! };
  }
  const result = widgetSchema.safeParse(candidate(draft, id, pos));
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
