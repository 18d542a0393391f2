import type { DashboardLayout, RelativeRange, Widget } from '@bucketgrid/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../lib/errors.ts';
import { dashboardKeys } from '../lib/query-keys.ts';
import { trpc } from '../lib/trpc.ts';
import { useSetLayout } from './useLayout.ts';

export interface GridDraft {
  /** The version editing started from: saving names it, so a newer save is a conflict. */
  baseVersion: number;
  widgets: Widget[];
  defaultRange: RelativeRange;
  maxWidth: number | null;
}

/**
 * An admin's edit of the grid: a draft of the saved layout that moves, resizes, adds and
 * removes widgets, then saves against the version it started from (someone else's newer
 * save is a conflict, never overwritten) or is cancelled.
 */
export function useGridEditSession(dashboardId: string, saved: DashboardLayout | undefined) {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const setLayout = useSetLayout(dashboardId);
  const [draft, setDraft] = useState<GridDraft | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const change = (patch: Partial<GridDraft>) => setDraft((d) => d && { ...d, ...patch });

  return {
    draft,
    saving,
    saveError,
    /** The save was refused because someone else saved first. */
    conflict: describeError(saveError).code === 'layout_conflict',
    /** The live stream brought a newer saved version while editing. */
    newerSaved: draft !== null && saved !== undefined && saved.version > draft.baseVersion,
    start() {
      if (!saved) return;
      setSaveError(null);
      setDraft({
        baseVersion: saved.version,
        widgets: saved.widgets,
        defaultRange: saved.defaultRange,
        maxWidth: saved.maxWidth ?? null,
      });
    },
    cancel: () => setDraft(null),
    /** Positions from the grid (an unchanged array keeps the draft as it is). */
    setWidgets: (next: Widget[]) =>
      setDraft((d) => (d && next !== d.widgets ? { ...d, widgets: next } : d)),
    /** Adds the widget, or replaces the one with its id. */
    put: (widget: Widget) =>
      setDraft(
        (d) =>
          d && {
            ...d,
            widgets: d.widgets.some((w) => w.id === widget.id)
              ? d.widgets.map((w) => (w.id === widget.id ? widget : w))
              : [...d.widgets, widget],
          },
      ),
    remove: (widget: Widget) =>
      setDraft((d) => d && { ...d, widgets: d.widgets.filter((w) => w.id !== widget.id) }),
    setDefaultRange: (defaultRange: RelativeRange) => change({ defaultRange }),
    setMaxWidth: (maxWidth: number | null) => change({ maxWidth }),
    async save() {
      if (!draft) return;
      setSaving(true);
      setSaveError(null);
      try {
        const result = await utils.client.dashboards.saveLayout.mutate({
          dashboardId,
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
    },
    /** Drops the draft for the newest saved layout. */
    async loadTheirs() {
      setSaveError(null);
      setDraft(null);
      await queryClient.refetchQueries({ queryKey: dashboardKeys.layout(dashboardId) });
    },
  };
}

export type GridEditSession = ReturnType<typeof useGridEditSession>;
