import { GRID_COLUMNS, type Widget, type WidgetType } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { newWidgetId, placeNew } from '../../lib/grid.ts';
import type { Bucket } from '../../lib/trpc.ts';
import {
  draftFromWidget,
  emptyDraft,
  type WidgetDraft,
  widgetFromDraft,
} from '../../widgets/draft.ts';
import { widgetTypeNames, widgetTypes } from '../../widgets/registry.ts';
import { RadioGroup } from '../RadioGroup.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';
import { SeriesPicker } from './SeriesPicker.tsx';
import styles from './WidgetDialog.module.css';

interface Props {
  /** The widget to configure; null adds a new one. */
  widget: Widget | null;
  widgets: Widget[];
  buckets: Bucket[];
  onDone: (widget: Widget) => void;
  onCancel: () => void;
}

/** Buckets a widget type can show (time charts need time or integer keys). */
function fits(type: WidgetType, bucket: Bucket): boolean {
  return widgetTypes[type].bucket?.fits(bucket) ?? false;
}

/** Add or configure a widget: its type, bucket, series and options, checked by the schema. */
export function WidgetDialogForm({ widget, widgets, buckets, onDone, onCancel }: Props) {
  const [draft, setDraft] = useState<WidgetDraft>(() =>
    widget
      ? draftFromWidget(widget)
      : emptyDraft('timeChart', buckets.find((b) => b.type !== 'KV')?.id ?? ''),
  );
  const [problem, setProblem] = useState<{ field: string; message: string } | null>(null);
  const update = (patch: Partial<WidgetDraft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setProblem(null);
  };
  const definition = widgetTypes[draft.type];
  const usable = buckets.filter((bucket) => fits(draft.type, bucket));
  const bucket = buckets.find((b) => b.id === draft.bucketId);
  const Options = definition.Options;

  function chooseType(type: WidgetType) {
    const keep =
      bucket && fits(type, bucket)
        ? draft.bucketId
        : (buckets.find((b) => fits(type, b))?.id ?? '');
    update({
      type,
      bucketId: keep,
      series: widgetTypes[type].bucket?.series === 'one' ? draft.series.slice(0, 1) : draft.series,
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const id = widget?.id ?? newWidgetId(widgets);
    const pos = widget?.pos ?? placeNew(widgets, draft.type);
    const result = widgetFromDraft(draft, id, { ...pos, w: Math.min(pos.w, GRID_COLUMNS - pos.x) });
    if (result.ok) onDone(result.widget);
    else setProblem(result);
  }

  const errorFor = (field: string) => (problem?.field === field ? problem.message : undefined);
  return (
    <form
      className={`stack ${styles.form}`}
      onSubmit={submit}
      aria-label={widget ? 'Configure widget' : 'Add widget'}
    >
      {!widget && (
        <RadioGroup
          legend="Type"
          name="widget-type"
          value={draft.type}
          onChange={chooseType}
          choices={widgetTypeNames.map((type) => ({
            value: type,
            label: widgetTypes[type].label,
            detail: widgetTypes[type].hint,
          }))}
        />
      )}
      <TextField
        label="Title"
        value={draft.title}
        onChange={(event) => update({ title: event.target.value })}
        placeholder={definition.titlePlaceholder}
        error={errorFor('title')}
      />
      {definition.bucket && (
        <>
          <SelectField
            label="Bucket"
            value={draft.bucketId}
            onChange={(event) => update({ bucketId: event.target.value, series: [] })}
            hint={
              usable.length === 0
                ? 'No bucket of a fitting type yet: create one under Buckets.'
                : undefined
            }
          >
            <option value="">Choose a bucket…</option>
            {usable.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name} ({b.type})
              </option>
            ))}
          </SelectField>
          {errorFor('bucketId') && <p className="field-error">{errorFor('bucketId')}</p>}
          {bucket && (
            <SeriesPicker
              key={bucket.id}
              bucket={bucket}
              value={draft.series}
              onChange={(series) => update({ series })}
              single={definition.bucket.series === 'one'}
              axes={definition.bucket.series === 'many-with-axes'}
              error={errorFor('series')}
            />
          )}
        </>
      )}
      {Options && <Options draft={draft} update={update} errorFor={errorFor} />}
      {problem &&
        !['title', 'bucketId', 'series', 'thresholds', 'markdown'].includes(problem.field) && (
          <p className="form-error" role="alert">
            {problem.message}
          </p>
        )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary">
          {widget ? 'Apply' : 'Add widget'}
        </button>
      </div>
    </form>
  );
}
