import { DEFAULT_GRID_MAX_WIDTH, type Widget } from '@bucketgrid/shared';
import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router';
import { LiveIndicator } from '../../components/buckets/LiveIndicator.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { DashboardGrid } from '../../components/grid/DashboardGrid.tsx';
import { EditBar } from '../../components/grid/EditBar.tsx';
import { RangePicker } from '../../components/grid/RangePicker.tsx';
import { SkeletonRows } from '../../components/SkeletonRows.tsx';
import { ZoneToggle } from '../../components/ZoneToggle.tsx';
import { useBucketsById } from '../../hooks/useBucketsById.ts';
import { useContentWidth } from '../../hooks/useContentWidth.ts';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useDashboardRange } from '../../hooks/useDashboardRange.ts';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { useGridEditSession } from '../../hooks/useGridEditSession.ts';
import { useLayout } from '../../hooks/useLayout.ts';
import { capabilities } from '../../lib/roles.ts';
import styles from './GridTab.module.css';

/** The widget dialog (forms for every widget type) loads when an admin first opens it. */
const WidgetDialogForm = lazy(() =>
  import('../../components/grid/WidgetDialog.tsx').then((module) => ({
    default: module.WidgetDialogForm,
  })),
);

type WidgetDialog = { mode: 'add' } | { mode: 'configure'; widget: Widget } | null;

/** The dashboard's first tab: its grid of widgets, the range picker, and (admins) edit mode. */
export function GridTab() {
  const dashboard = useDashboard();
  const can = capabilities(dashboard.role);
  useDocumentTitle(dashboard.name);
  const layout = useLayout(dashboard.id);
  const buckets = useBucketsById(dashboard.id);
  const defaultRange = layout.data?.defaultRange ?? '24h';
  const { range, setRange, reset } = useDashboardRange(defaultRange);
  const edit = useGridEditSession(dashboard.id, layout.data);
  const { draft } = edit;
  const [dialog, setDialog] = useState<WidgetDialog>(null);
  const maxWidth = (draft ? draft.maxWidth : layout.data?.maxWidth) ?? DEFAULT_GRID_MAX_WIDTH;
  useContentWidth(maxWidth);

  if (layout.data === undefined) {
    if (layout.isError) return <ErrorState error={layout.error} onRetry={() => layout.refetch()} />;
    return <SkeletonRows rows={3} label="Loading the dashboard" />;
  }
  const widgets = draft?.widgets ?? layout.data.widgets;

  const base = `/${dashboard.workspace}/${dashboard.slug}`;
  const toolbar = (
    <div className={styles.toolbar}>
      <RangePicker range={range} defaultRange={defaultRange} onChange={setRange} onReset={reset} />
      <div className={styles.toolbarEnd}>
        <ZoneToggle />
        <LiveIndicator range={range} />
        <Link className="btn btn-small" to={`${base}/wall${window.location.search}`}>
          Wall screen
        </Link>
        {can.editGrid && !draft && (
          <button type="button" className="btn btn-small btn-primary" onClick={edit.start}>
            Edit
          </button>
        )}
      </div>
    </div>
  );

  return (
    <section className="stack grid-tab" aria-label="Dashboard">
      {toolbar}
      {draft && <EditBar session={edit} draft={draft} onAdd={() => setDialog({ mode: 'add' })} />}
      {widgets.length === 0 ? (
        <div className="empty-state">
          <h2>No widgets yet</h2>
          {can.editGrid ? (
            <>
              <p>Charts, stats, tables and notes over this dashboard’s buckets go here.</p>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => {
                  if (!draft) edit.start();
                  setDialog({ mode: 'add' });
                }}
              >
                Add a widget
              </button>
            </>
          ) : (
            <p>An owner or admin of this dashboard can add them.</p>
          )}
        </div>
      ) : (
        <DashboardGrid
          widgets={widgets}
          buckets={buckets}
          range={range}
          onZoom={(from, to) => setRange({ kind: 'absolute', from, to })}
          newRuleHref={can.manageData ? (widget) => newRuleHref(base, widget) : undefined}
          editing={
            draft
              ? {
                  onChange: edit.setWidgets,
                  onConfigure: (widget) => setDialog({ mode: 'configure', widget }),
                  onRemove: edit.remove,
                }
              : undefined
          }
        />
      )}
      <Dialog
        open={dialog !== null}
        title={dialog?.mode === 'configure' ? 'Configure widget' : 'Add widget'}
        onClose={() => setDialog(null)}
        wide
      >
        {dialog && draft && (
          <Suspense fallback={<SkeletonRows rows={3} label="Loading" />}>
            <WidgetDialogForm
              widget={dialog.mode === 'configure' ? dialog.widget : null}
              widgets={draft.widgets}
              buckets={[...(buckets?.values() ?? [])]}
              onCancel={() => setDialog(null)}
              onDone={(widget) => {
                edit.put(widget);
                setDialog(null);
              }}
            />
          </Suspense>
        )}
      </Dialog>
    </section>
  );
}

/** The Alerts tab's rule form on a time chart's bucket and series; other widgets offer none. */
function newRuleHref(base: string, widget: Widget): string | undefined {
  if (widget.type !== 'timeChart') return undefined;
  const params = new URLSearchParams({
    bucket: widget.bucketId,
    series: widget.series.map((s) => s.sk).join(','),
  });
  return `${base}/alerts?${params}`;
}
