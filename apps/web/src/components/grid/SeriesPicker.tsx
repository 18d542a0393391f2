import { useState } from 'react';
import { useBucketSeries } from '../../hooks/useBucketSeries.ts';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { seriesDisplay } from '../../lib/series-display.ts';
import type { Bucket } from '../../lib/trpc.ts';
import type { WidgetDraft } from '../../widgets/draft.ts';

interface Props {
  bucket: Bucket;
  value: WidgetDraft['series'];
  onChange: (series: WidgetDraft['series']) => void;
  /** One series only (stat widgets). */
  single?: boolean;
  /** Each chosen series picks its axis (time charts). */
  axes?: boolean;
  error?: string;
}

/**
 * The bucket's series, named as the bucket describes them, found in its description and in
 * its data; a series key not seen yet can be added by number.
 */
export function SeriesPicker({ bucket, value, onChange, single, axes, error }: Props) {
  const dashboardId = useDashboardId();
  const probe = useBucketSeries(dashboardId, bucket.id);
  const [other, setOther] = useState('');
  const known = new Set<number>([
    ...bucket.series.map((s) => s.sk),
    ...(probe.data?.series.map((s) => s.sk) ?? []),
    ...value.map((s) => s.sk),
  ]);
  const keys = [...known].sort((a, b) => a - b);
  const chosen = new Map(value.map((s) => [s.sk, s]));

  function toggle(sk: number, on: boolean) {
    if (single) return onChange(on ? [{ sk, axis: 'left' }] : []);
    onChange(on ? [...value, { sk, axis: 'left' }] : value.filter((s) => s.sk !== sk));
  }

  function addOther() {
    const sk = Number(other);
    if (!Number.isInteger(sk) || sk < 1 || sk > 1000) return;
    if (!chosen.has(sk)) toggle(sk, true);
    setOther('');
  }

  return (
    <fieldset
      className="choice-group series-picker"
      aria-describedby={error ? 'series-error' : undefined}
    >
      <legend>{single ? 'Series' : 'Series (one or more)'}</legend>
      {keys.length === 0 && (
        <p className="muted">This bucket has no data yet: add a series key by its number.</p>
      )}
      {keys.map((sk, i) => {
        const display = seriesDisplay(bucket.series, sk, i);
        const pick = chosen.get(sk);
        return (
          <div key={sk} className="series-choice">
            <label className="choice">
              <input
                type={single ? 'radio' : 'checkbox'}
                name="series"
                checked={Boolean(pick)}
                onChange={(event) => toggle(sk, event.target.checked)}
              />
              <span className="swatch" style={{ background: display.color }} aria-hidden="true" />
              <span>
                {display.name}
                {display.unit && <span className="muted"> ({display.unit})</span>}
                <span className="muted"> · key {sk}</span>
              </span>
            </label>
            {axes && pick && (
              <select
                aria-label={`Axis of ${display.name}`}
                value={pick.axis}
                onChange={(event) =>
                  onChange(
                    value.map((s) =>
                      s.sk === sk ? { ...s, axis: event.target.value as 'left' | 'right' } : s,
                    ),
                  )
                }
              >
                <option value="left">Left axis</option>
                <option value="right">Right axis</option>
              </select>
            )}
          </div>
        );
      })}
      <div className="series-other">
        <input
          type="number"
          min={1}
          max={1000}
          inputMode="numeric"
          aria-label="Another series key"
          placeholder="Series key"
          value={other}
          onChange={(event) => setOther(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              addOther();
            }
          }}
        />
        <button type="button" className="btn btn-small" onClick={addOther}>
          Add series key
        </button>
      </div>
      {error && (
        <p id="series-error" className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
