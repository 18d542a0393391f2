import type { WidgetDefinition } from '../types.ts';
import { TimeChartOptions } from './TimeChartOptions.tsx';
import { TimeChartWidget } from './TimeChartWidget.tsx';

export const timeChart: WidgetDefinition<'timeChart'> = {
  label: 'Time chart',
  hint: 'Lines or areas over time (TSV and IV buckets)',
  size: { w: 6, h: 5, minW: 3, minH: 3 },
  bucket: { fits: (bucket) => bucket.type !== 'KV', series: 'many-with-axes' },
  titlePlaceholder: 'Empty: the bucket’s name',
  defaultTitle: (_widget, bucket) => bucket?.name ?? 'Time chart',
  toDraft: (widget) => ({
    bucketId: widget.bucketId,
    series: widget.series.map((s) => ({ ...s })),
    style: widget.style,
    stacked: widget.stacked,
    stat: widget.stat,
    band: widget.band,
    preset: widget.preset,
  }),
  fromDraft: (draft) => ({
    series: draft.series,
    style: draft.style,
    stacked: draft.stacked,
    stat: draft.stat,
    band: draft.band,
    preset: draft.preset,
  }),
  View: TimeChartWidget,
  Options: TimeChartOptions,
};
