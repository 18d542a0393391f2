import { Check } from '../Check.tsx';
import styles from '../Options.module.css';
import type { WidgetOptionsProps } from '../types.ts';

/** Each new threshold's colour: green, amber, red, then two more, so no two start alike. */
const THRESHOLD_COLORS = ['#16a34a', '#ca8a04', '#dc2626', '#7c3aed', '#0891b2'];

export function StatOptions({ draft, update, errorFor }: WidgetOptionsProps) {
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
          <div key={i} className={styles.thresholdRow}>
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
}
