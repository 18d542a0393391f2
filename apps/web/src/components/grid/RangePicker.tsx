import { type RelativeRange, relativeRangeNames } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import {
  type DashboardRange,
  rangeLabels,
  rangeShortLabels,
  sameRange,
} from '../../lib/time-range.ts';
import { Dialog } from '../Dialog.tsx';
import { TextField } from '../TextField.tsx';

interface Props {
  range: DashboardRange;
  defaultRange: RelativeRange;
  onChange: (range: DashboardRange) => void;
  onReset: () => void;
}

/** The dashboard-wide range: quick relative choices, a custom from/to, and Reset. */
export function RangePicker({ range, defaultRange, onChange, onReset }: Props) {
  const format = useTimeFormat();
  const [custom, setCustom] = useState(false);
  const isDefault = sameRange(range, { kind: 'relative', name: defaultRange });
  return (
    <div className="range-picker">
      <fieldset className="segmented" aria-label="Time range">
        {relativeRangeNames.map((name) => {
          const pressed = range.kind === 'relative' && range.name === name;
          return (
            <button
              key={name}
              type="button"
              className="segment"
              aria-pressed={pressed}
              aria-label={rangeLabels[name]}
              title={rangeLabels[name]}
              onClick={() => onChange({ kind: 'relative', name })}
            >
              {rangeShortLabels[name]}
            </button>
          );
        })}
        <button
          type="button"
          className="segment"
          aria-pressed={range.kind === 'absolute'}
          onClick={() => setCustom(true)}
        >
          {range.kind === 'absolute' ? 'Custom ✎' : 'Custom…'}
        </button>
      </fieldset>
      {range.kind === 'absolute' && (
        <span className="range-absolute mono" title={format.zoneLabel}>
          {format.dateTime(range.from)} → {format.dateTime(range.to)} {format.zoneShort}
        </span>
      )}
      {!isDefault && (
        <button
          type="button"
          className="btn btn-small"
          onClick={onReset}
          title={`Back to ${rangeLabels[defaultRange].toLowerCase()}`}
        >
          Reset
        </button>
      )}
      <Dialog open={custom} title="Custom time range" onClose={() => setCustom(false)}>
        <CustomRangeForm
          range={range}
          onApply={(next) => {
            onChange(next);
            setCustom(false);
          }}
          onCancel={() => setCustom(false)}
        />
      </Dialog>
    </div>
  );
}

function CustomRangeForm({
  range,
  onApply,
  onCancel,
}: {
  range: DashboardRange;
  onApply: (range: DashboardRange) => void;
  onCancel: () => void;
}) {
  const format = useTimeFormat();
  const [now] = useState(Date.now);
  const start = range.kind === 'absolute' ? range.from : now - 3_600_000;
  const end = range.kind === 'absolute' ? range.to : now;
  const [from, setFrom] = useState(format.toInput(start));
  const [to, setTo] = useState(format.toInput(end));
  const [error, setError] = useState<string>();

  function submit(event: FormEvent) {
    event.preventDefault();
    const fromMs = format.fromInput(from);
    const toMs = format.fromInput(to);
    if (fromMs === null || toMs === null) return setError('Enter both times.');
    if (fromMs >= toMs) return setError('"To" must be after "From".');
    onApply({ kind: 'absolute', from: fromMs, to: toMs });
  }

  return (
    <form className="stack" onSubmit={submit}>
      <p className="muted">Times in {format.zoneLabel}.</p>
      <TextField
        label="From"
        type="datetime-local"
        step={1}
        required
        value={from}
        onChange={(e) => setFrom(e.target.value)}
      />
      <TextField
        label="To"
        type="datetime-local"
        step={1}
        required
        value={to}
        onChange={(e) => setTo(e.target.value)}
        error={error}
      />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary">
          Apply
        </button>
      </div>
    </form>
  );
}
