import { MAX_TEXT_WIDGET_LENGTH } from '@bucketgrid/shared';
import type { WidgetDraft } from '../../lib/widget-draft.ts';
import { RadioGroup } from '../RadioGroup.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';

interface Props {
  draft: WidgetDraft;
  update: (patch: Partial<WidgetDraft>) => void;
  errorFor: (field: string) => string | undefined;
}

function Check({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      {label}
    </label>
  );
}

/** Each new threshold's colour: green, amber, red, then two more, so no two start alike. */
const THRESHOLD_COLORS = ['#16a34a', '#ca8a04', '#dc2626', '#7c3aed', '#0891b2'];

/** The options of the chosen widget type. */
export function WidgetOptions({ draft, update, errorFor }: Props) {
  switch (draft.type) {
    case 'timeChart':
      return (
        <div className="stack">
          <RadioGroup
            legend="Style"
            name="chart-style"
            inline
            value={draft.style}
            onChange={(style) => update({ style })}
            choices={[
              { value: 'line', label: 'Lines' },
              { value: 'area', label: 'Areas' },
            ]}
          />
          <Check
            label="Stack the series"
            checked={draft.stacked}
            onChange={(stacked) => update({ stacked })}
          />
          <SelectField
            label="Each point shows"
            value={draft.stat}
            onChange={(event) => update({ stat: event.target.value as WidgetDraft['stat'] })}
            hint="When a range holds more records than the chart has points, each point sums up an interval."
          >
            <option value="avg">the average</option>
            <option value="min">the minimum</option>
            <option value="max">the maximum</option>
            <option value="last">the last value</option>
          </SelectField>
          <Check
            label="Min–max band (no spike averaged away)"
            checked={draft.band}
            onChange={(band) => update({ band })}
          />
          <RadioGroup
            legend="Data"
            name="chart-preset"
            value={draft.preset}
            onChange={(preset) => update({ preset })}
            choices={[
              { value: 'high', label: 'High frequency', detail: 'thin lines, no points' },
              { value: 'low', label: 'Low frequency', detail: 'points and smoothed lines' },
            ]}
          />
        </div>
      );
    case 'barChart':
    case 'table':
      return (
        <TextField
          label={draft.type === 'table' ? 'Rows' : 'Most bars (KV keys)'}
          type="number"
          min={1}
          max={100}
          value={draft.limit}
          onChange={(event) => update({ limit: Number(event.target.value) })}
          error={errorFor('limit')}
        />
      );
    case 'stat':
      return (
        <div className="stack">
          <Check
            label="Sparkline of the range"
            checked={draft.sparkline}
            onChange={(sparkline) => update({ sparkline })}
          />
          <Check
            label="Change over the range"
            checked={draft.showChange}
            onChange={(showChange) => update({ showChange })}
          />
          <fieldset className="choice-group">
            <legend>Colour thresholds</legend>
            <p className="field-hint">
              The value takes the colour of the highest threshold it reaches.
            </p>
            {draft.thresholds.map((threshold, i) => (
              <div key={i} className="threshold-row">
                <input
                  type="number"
                  step="any"
                  aria-label={`Threshold ${i + 1} value`}
                  value={threshold.value}
                  onChange={(event) =>
                    update({
                      thresholds: draft.thresholds.map((t, j) =>
                        j === i ? { ...t, value: event.target.value } : t,
                      ),
                    })
                  }
                />
                <input
                  type="color"
                  aria-label={`Threshold ${i + 1} colour`}
                  value={threshold.color}
                  onChange={(event) =>
                    update({
                      thresholds: draft.thresholds.map((t, j) =>
                        j === i ? { ...t, color: event.target.value } : t,
                      ),
                    })
                  }
                />
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={`Remove threshold ${i + 1}`}
                  onClick={() => update({ thresholds: draft.thresholds.filter((_, j) => j !== i) })}
                >
                  Remove
                </button>
              </div>
            ))}
            {draft.thresholds.length < 5 && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() =>
                  update({
                    thresholds: [
                      ...draft.thresholds,
                      { value: '', color: THRESHOLD_COLORS[draft.thresholds.length]! },
                    ],
                  })
                }
              >
                Add threshold
              </button>
            )}
            {errorFor('thresholds') && <p className="field-error">{errorFor('thresholds')}</p>}
          </fieldset>
        </div>
      );
    case 'text':
      return (
        <div className="field">
          <label htmlFor="widget-markdown">Text (Markdown)</label>
          <textarea
            id="widget-markdown"
            rows={8}
            maxLength={MAX_TEXT_WIDGET_LENGTH}
            value={draft.markdown}
            onChange={(event) => update({ markdown: event.target.value })}
          />
          <p className="field-hint">
            **bold**, *italic*, [links](https://…), lists, `code`. HTML and images are not shown.
          </p>
          {errorFor('markdown') && <p className="field-error">{errorFor('markdown')}</p>}
        </div>
      );
  }
}
