import type { Widget } from '@bucketgrid/shared';
import { Component, type ReactNode, Suspense, useRef } from 'react';
import { Link } from 'react-router';
import { useElementSize } from '../../hooks/useElementSize.ts';
import type { DashboardRange } from '../../lib/time-range.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { definitionOf, widgetTitle } from '../../widgets/registry.ts';
import widgetStyles from '../../widgets/Widget.module.css';
import { FiringMark } from './FiringMark.tsx';
import styles from './WidgetFrame.module.css';
import { WidgetCsvButton } from './widget-csv/WidgetCsvButton.tsx';

interface Props {
  widget: Widget;
  buckets: Map<string, Bucket> | undefined;
  range: DashboardRange;
  onZoom: (from: number, to: number) => void;
  /** The Alerts tab's rule form, filled in with this widget's bucket and series. */
  newRuleHref?: string;
  /** Whether the card shows its buttons (Download CSV, new alert rule) outside edit mode. */
  buttons: boolean;
  onConfigure?: () => void;
  onRemove?: () => void;
}

/** Keeps one broken widget from taking the grid down with it. */
class WidgetBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    if (this.state.failed) {
      return (
        <p className={widgetStyles.message}>This widget could not be drawn. Reload to try again.</p>
      );
    }
    return this.props.children;
  }
}

/** A widget's card: its title, edit controls in edit mode, and its content sized to fit. */
export function WidgetFrame({
  widget,
  buckets,
  range,
  onZoom,
  newRuleHref,
  buttons,
  onConfigure,
  onRemove,
}: Props) {
  const body = useRef<HTMLDivElement>(null);
  const size = useElementSize(body);
  const definition = definitionOf(widget);
  const bucket = 'bucketId' in widget ? buckets?.get(widget.bucketId) : undefined;
  const title = widgetTitle(widget, bucket);
  const editing = Boolean(onConfigure);
  const showHeader = editing || definition.bucket !== null || widget.title !== '';
  const { View } = definition;
  const view = <View widget={widget} bucket={bucket} range={range} size={size} onZoom={onZoom} />;

  let content: ReactNode;
  if (!definition.bucket) content = view;
  else if (!buckets) content = <div className={`${widgetStyles.loading} skeleton`} />;
  else if (!bucket) {
    content = (
      <p className={widgetStyles.message}>
        The bucket this widget showed was deleted.
        {editing ? ' Configure it with another bucket, or remove it.' : ''}
      </p>
    );
  } else if (size.width === 0) content = null;
  else content = view;

  return (
    <section
      className={editing ? `${styles.widget} ${styles.editing}` : styles.widget}
      data-widget-type={widget.type}
      aria-label={title}
      data-widget-id={widget.id}
    >
      {showHeader && (
        <header className={editing ? `${styles.header} ${styles.dragHandle}` : styles.header}>
          <h3 className={styles.title} title={title}>
            {title}
          </h3>
          <FiringMark widget={widget} />
          {!editing && buttons && newRuleHref && (
            <Link
              className="btn btn-small"
              to={newRuleHref}
              aria-label={`New alert rule on ${title}`}
              title="New alert rule"
            >
              <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                <path
                  d="M8 1.5a4 4 0 0 0-4 4v3L2.5 11h11L12 8.5v-3a4 4 0 0 0-4-4ZM6.5 12.5a1.5 1.5 0 0 0 3 0"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.4"
                  strokeLinejoin="round"
                />
              </svg>
            </Link>
          )}
          {!editing && buttons && (
            <WidgetCsvButton
              widget={widget}
              bucket={bucket}
              range={range}
              title={title}
              width={size.width}
            />
          )}
          {editing && (
            <div className={styles.actions}>
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
      <div
        ref={body}
        data-widget-body
        className={definition.bucket ? styles.body : `${styles.body} ${styles.textBody}`}
      >
        <WidgetBoundary>
          <Suspense fallback={<div className={`${widgetStyles.loading} skeleton`} />}>
            {content}
          </Suspense>
        </WidgetBoundary>
      </div>
    </section>
  );
}
