import { seriesName } from '@bucketgrid/shared';
import { axisLeft } from '../draft-series.ts';
import type { WidgetDefinition } from '../types.ts';
import { StatOptions } from './StatOptions.tsx';
import { StatWidget } from './StatWidget.tsx';

export const stat: WidgetDefinition<'stat'> = {
  label: 'Stat',
  hint: 'The latest value of one series, with its trend',
  size: { w: 3, h: 3, minW: 2, minH: 2 },
  bucket: { fits: () => true, series: 'one' },
  titlePlaceholder: 'Empty: the series and bucket names',
  defaultTitle: (widget, bucket) =>
    bucket ? `${seriesName(bucket.series, widget.sk)} · ${bucket.name}` : 'Stat',
  toDraft: (widget) => ({
    bucketId: widget.bucketId,
    series: axisLeft([widget.sk]),
    thresholds: widget.thresholds.map((t) => ({ value: String(t.value), color: t.color })),
    sparkline: widget.sparkline,
    showChange: widget.showChange,
  }),
  fromDraft: (draft) => ({
    sk: draft.series[0]?.sk,
    thresholds: draft.thresholds.map((t) => ({
      value: t.value.trim() === '' ? Number.NaN : Number(t.value),
      color: t.color,
    })),
    sparkline: draft.sparkline,
    showChange: draft.showChange,
  }),
  View: StatWidget,
  Options: StatOptions,
};
