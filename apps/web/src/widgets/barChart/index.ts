import { axisLeft } from '../draft-series.ts';
import type { WidgetDefinition } from '../types.ts';
import { BarChartOptions } from './BarChartOptions.tsx';
import { BarChartWidget } from './BarChartWidget.tsx';

export const barChart: WidgetDefinition<'barChart'> = {
  label: 'Bar chart',
  hint: 'A bar per key (KV), or per series at its latest value',
  size: { w: 6, h: 5, minW: 3, minH: 3 },
  bucket: { fits: () => true, series: 'many' },
  titlePlaceholder: 'Empty: the bucket’s name',
  defaultTitle: (_widget, bucket) => bucket?.name ?? 'Bar chart',
  toDraft: (widget) => ({
    bucketId: widget.bucketId,
    series: axisLeft(widget.series),
    limit: widget.limit,
  }),
  fromDraft: (draft) => ({ series: draft.series.map((s) => s.sk), limit: draft.limit }),
  View: BarChartWidget,
  Options: BarChartOptions,
};
