import { seriesName, type Widget } from '@bucketgrid/shared';
import { Component, lazy, type ReactNode, Suspense, useRef } from 'react';
import { useElementSize } from '../../hooks/useElementSize.ts';
import type { DashboardRange } from '../../lib/time-range.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { WidgetCsvButton } from './widget-csv/WidgetCsvButton.tsx';
import { BarChartWidget } from './widgets/BarChartWidget.tsx';
import { StatWidget } from './widgets/StatWidget.tsx';
import { TableWidget } from './widgets/TableWidget.tsx';
import { TimeChartWidget } from './widgets/TimeChartWidget.tsx';

interface Props {
  widget: Widget;
  buckets: Map<string, Bucket> | undefined;
  range: DashboardRange;
  onZoom: (from: number, to: number) => void;
  onConfigure?: () => void;
  onRemove?: () => void;
}

const typeNames: Record<Widget['type'], string> = {
  timeChart: 'Time chart',
  barChart: 'Bar chart',
  stat: 'Stat',
  table: 'Table',
  text: 'Text',
};

/** Notes load their Markdown parser only when a dashboard has one. */
const TextWidget = lazy(() =>
  import('./widgets/TextWidget.tsx').then((module) => ({ default: module.TextWidget })),
);

/** The title a widget shows: its own, else what it is about. */
export function widgetTitle(widget: Widget, bucket: Bucket | undefined): string {
  if (widget.title) return widget.title;
  if (widget.type === 'text') return 'Note';
  if (!bucket) return typeNames[widget.type];
  if (widget.type === 'stat') return `${seriesName(bucket.series, widget.sk)} · ${bucket.name}`;
  return bucket.name;
}

/** Keeps one broken widget from taking the grid down with it. */
class WidgetBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    if (this.state.failed) {
      return <p className="widget-message">This widget could not be drawn. Reload to try again.</p>;
    }
    return this.props.children;
  }
}

/** A widget's card: its title, edit controls in edit mode, and its content sized to fit. */
export function WidgetFrame({ widget, buckets, range, onZoom, onConfigure, onRemove }: Props) {
  const body = useRef<HTMLDivElement>(null);
  const size = useElementSize(body);
  const bucket = 'bucketId' in widget ? buckets?.get(widget.bucketId) : undefined;
  const title = widgetTitle(widget, bucket);
  const editing = Boolean(onConfigure);
  const showHeader = editing || widget.type !== 'text' || widget.title !== '';

  let content: ReactNode;
  if (widget.type === 'text') content = <TextWidget widget={widget} />;
  else if (!buckets) content = <div className="widget-loading skeleton" />;
  else if (!bucket) {
    content = (
      <p className="widget-message">
        The bucket this widget showed was deleted.
        {editing ? ' Configure it with another bucket, or remove it.' : ''}
      </p>
    );
  } else if (size.width === 0) content = null;
  else if (widget.type === 'timeChart') {
    content = (
      <TimeChartWidget widget={widget} bucket={bucket} range={range} size={size} onZoom={onZoom} />
    );
  } else if (widget.type === 'barChart') {
    content = <BarChartWidget widget={widget} bucket={bucket} range={range} size={size} />;
  } else if (widget.type === 'stat') {
    content = <StatWidget widget={widget} bucket={bucket} range={range} size={size} />;
  } else {
    content = <TableWidget widget={widget} bucket={bucket} range={range} />;
  }

  return (
    <section
      className={`widget widget-${widget.type}`}
      aria-label={title}
      data-widget-id={widget.id}
    >
      {showHeader && (
        <header className={editing ? 'widget-header widget-drag-handle' : 'widget-header'}>
          <h3 className="widget-title" title={title}>
            {title}
          </h3>
          {!editing && (
            <WidgetCsvButton
              widget={widget}
              bucket={bucket}
              range={range}
              title={title}
              width={size.width}
            />
          )}
          {editing && (
            <div className="widget-actions">
              <button
                type="button"
                className="btn btn-small"
                onClick={onConfigure}
                aria-label={`Configure ${title}`}
                title="Configure"
              >
                <span aria-hidden="true">⚙</span>
              </button>
              <button
                type="button"
                className="btn btn-small btn-danger-quiet"
                onClick={onRemove}
                aria-label={`Remove ${title}`}
                title="Remove"
              >
                <span aria-hidden="true">✕</span>
              </button>
            </div>
          )}
        </header>
      )}
      <div ref={body} className="widget-body">
        <WidgetBoundary>
          <Suspense fallback={<div className="widget-loading skeleton" />}>{content}</Suspense>
        </WidgetBoundary>
      </div>
    </section>
  );
}
