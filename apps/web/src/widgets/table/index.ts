import { axisLeft } from '../draft-series.ts';
import type { WidgetDefinition } from '../types.ts';
import { TableOptions } from './TableOptions.tsx';
import { TableWidget } from './TableWidget.tsx';

export const table: WidgetDefinition<'table'> = {
  label: 'Table',
  hint: 'The latest records of a bucket',
  size: { w: 6, h: 5, minW: 3, minH: 3 },
  bucket: { fits: () => true, series: 'many' },
  titlePlaceholder: 'Empty: the bucket’s name',
  defaultTitle: (_widget, bucket) => bucket?.name ?? 'Table',
  toDraft: (widget) => ({
    bucketId: widget.bucketId,
    series: axisLeft(widget.series),
    limit: widget.limit,
  }),
  fromDraft: (draft) => ({ series: draft.series.map((s) => s.sk), limit: draft.limit }),
  View: TableWidget,
  Options: TableOptions,
};
