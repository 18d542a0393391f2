import { RadioGroup } from '../../components/RadioGroup.tsx';
import { SelectField } from '../../components/SelectField.tsx';
import { Check } from '../Check.tsx';
import type { WidgetDraft } from '../draft.ts';
import type { WidgetOptionsProps } from '../types.ts';

export function TimeChartOptions({ draft, update }: WidgetOptionsProps) {
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
}
