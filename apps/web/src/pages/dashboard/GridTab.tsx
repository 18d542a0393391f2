import {
  type DashboardLayout,
  DEFAULT_GRID_MAX_WIDTH,
  type RelativeRange,
  relativeRangeNames,
  type Widget,
} from '@bucketgrid/shared';
import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router';
import { LiveIndicator } from '../../components/buckets/LiveIndicator.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { DashboardGrid } from '../../components/grid/DashboardGrid.tsx';
import { RangePicker } from '../../components/grid/RangePicker.tsx';
import { SkeletonRows } from '../../components/SkeletonRows.tsx';
import { ZoneToggle } from '../../components/ZoneToggle.tsx';
import { useBucketsById } from '../../hooks/useBucketsById.ts';
import { useContentWidth } from '../../hooks/useContentWidth.ts';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useDashboardRange } from '../../hooks/useDashboardRange.ts';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { useLayout, useSetLayout } from '../../hooks/useLayout.ts';
import { describeError, errorMessage } from '../../lib/errors.ts';
import { capabilities } from '../../lib/roles.ts';
import { rangeLabels } from '../../lib/time-range.ts';
import { trpc } from '../../lib/trpc.ts';

/** The widget dialog (forms for every widget type) loads when an admin first opens it. */
const WidgetDialogForm = lazy(() =>
  import('../../components/grid/WidgetDialog.tsx').then((module) => ({
    default: module.WidgetDialogForm,
  })),
);

interface Draft {
  /** The version editing started from: saving names it, so a newer save is a conflict. */
  baseVersion: number;
  widgets: Widget[];
  defaultRange: RelativeRange;
  maxWidth: number | null;
}

/** Widest grids an admin may choose (px); the default fits screens up to 2,400 px. */
const GRID_WIDTHS = [1_440, 1_920, DEFAULT_GRID_MAX_WIDTH, 3_840, 7_680];

type WidgetDialog = { mode: 'add' } | { mode: 'configure'; widget: Widget } | null;

/** The dashboard's first tab: its grid of widgets, the range picker, and (admins) edit mode. */
export function GridTab() {
  const dashboard = useDashboard();
  const can = capabilities(dashboard.role);
  useDocumentTitle(dashboard.name);
  const utils = trpc.useUtils();
  const layout = useLayout(dashboard.id);
  const setLayout = useSetLayout(dashboard.id);
  const buckets = useBucketsById(dashboard.id);
  const defaultRange = layout.data?.defaultRange ?? '24h';
  const { range, setRange, reset } = useDashboardRange(defaultRange);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [dialog, setDialog] = useState<WidgetDialog>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const maxWidth = (draft ? draft.maxWidth : layout.data?.maxWidth) ?? DEFAULT_GRID_MAX_WIDTH;
  useContentWidth(maxWidth);

  if (layout.data === undefined) {
    if (layout.isError) return <ErrorState error={layout.error} onRetry={() => layout.refetch()} />;
    return <SkeletonRows rows={3} label="Loading the dashboard" />;
  }
  const saved: DashboardLayout = layout.data;
  const widgets = draft?.widgets ?? saved.widgets;
  const conflict = describeError(saveError).code === 'layout_conflict';
  const newerSaved = draft !== null && saved.version > draft.baseVersion;

  const startEditing = () => {
    setSaveError(null);
    setDraft({
      baseVersion: saved.version,
      widgets: saved.widgets,
      defaultRange: saved.defaultRange,
      maxWidth: saved.maxWidth ?? null,
    });
  };
  const changeWidgets = (next: Widget[]) =>
    setDraft((d) => (d && next !== d.widgets ? { ...d, widgets: next } : d));

  async function save() {
    if (!draft) return;
    setSaving(true);
    setSaveError(null);
    try {
      const result = await utils.client.dashboards.saveLayout.mutate({
        dashboardId: dashboard.id,
        version: draft.baseVersion,
        widgets: draft.widgets,
        defaultRange: draft.defaultRange,
        maxWidth: draft.maxWidth,
      });
      setLayout(result);
      setDraft(null);
    } catch (error) {
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  }

  async function loadTheirs() {
    setSaveError(null);
    setDraft(null);
    await layout.refetch();
  }

  const toolbar = (
    <div className="grid-toolbar">
      <RangePicker range={range} defaultRange={defaultRange} onChange={setRange} onReset={reset} />
      <div className="grid-toolbar-end">
        <ZoneToggle />
        <LiveIndicator range={range} />
        <Link
          className="btn btn-small"
          to={`/${dashboard.workspace}/${dashboard.slug}/wall${window.location.search}`}
        >
          Wall screen
        </Link>
        {can.editGrid && !draft && (
          <button type="button" className="btn btn-small btn-primary" onClick={startEditing}>
            Edit
          </button>
        )}
      </div>
    </div>
  );

  const editBar = draft && (
    <section className="edit-bar" aria-label="Editing the layout">
      <strong>Editing</strong>
      <button type="button" className="btn btn-small" onClick={() => setDialog({ mode: 'add' })}>
        Add widget
      </button>
      <label className="inline-field">
        Opens on
        <select
          value={draft.defaultRange}
          onChange={(event) =>
            setDraft({ ...draft, defaultRange: event.target.value as RelativeRange })
          }
        >
          {relativeRangeNames.map((name) => (
            <option key={name} value={name}>
              {rangeLabels[name]}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        Widest
        <select
          value={draft.maxWidth ?? DEFAULT_GRID_MAX_WIDTH}
          onChange={(event) => {
            const px = Number(event.target.value);
            setDraft({ ...draft, maxWidth: px === DEFAULT_GRID_MAX_WIDTH ? null : px });
          }}
        >
          {GRID_WIDTHS.map((px) => (
            <option key={px} value={px}>
              {px.toLocaleString('en-US')} px{px === DEFAULT_GRID_MAX_WIDTH ? ' (default)' : ''}
            </option>
          ))}
        </select>
      </label>
      <span className="edit-bar-end">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setDraft(null)}
          disabled={saving}
        >
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-small btn-primary"
          onClick={save}
          disabled={saving}
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
      </span>
      {(conflict || newerSaved) && (
        <div className="edit-conflict" role="alert">
          <p>
            {conflict
              ? 'Someone else saved this layout while you were editing; your changes were not saved.'
              : 'Someone else saved a newer version of this layout while you were editing.'}
          </p>
          <button type="button" className="btn btn-small" onClick={loadTheirs}>
            Load their version (discards your changes)
          </button>
        </div>
      )}
      {saveError !== null && !conflict && (
        <p className="form-error" role="alert">
          {errorMessage(saveError)}
        </p>
      )}
    </section>
  );

  return (
    <section className="stack grid-tab" aria-label="Dashboard">
      {toolbar}
      {editBar}
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
                  if (!draft) startEditing();
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
          editing={
            draft
              ? {
                  onChange: changeWidgets,
                  onConfigure: (widget) => setDialog({ mode: 'configure', widget }),
                  onRemove: (widget) =>
                    setDraft(
                      (d) => d && { ...d, widgets: d.widgets.filter((w) => w.id !== widget.id) },
                    ),
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
                setDraft(
                  (d) =>
                    d && {
                      ...d,
                      widgets: d.widgets.some((w) => w.id === widget.id)
                        ? d.widgets.map((w) => (w.id === widget.id ? widget : w))
                        : [...d.widgets, widget],
                    },
                );
                setDialog(null);
              }}
            />
          </Suspense>
        )}
      </Dialog>
    </section>
  );
}
