import { TextField } from '../components/TextField.tsx';
import type { WidgetOptionsProps } from './types.ts';

/** How many rows or bars a widget shows (1–100). */
export function LimitOption({
  label,
  draft,
  update,
  errorFor,
}: WidgetOptionsProps & { label: string }) {
  return (
    <TextField
      label={label}
      type="number"
      min={1}
      max={100}
      value={draft.limit}
      onChange={(event) => update({ limit: Number(event.target.value) })}
      error={errorFor('limit')}
    />
  );
}
