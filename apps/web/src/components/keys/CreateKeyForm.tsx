import type { ApiKeyType } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { FormError } from '../FormError.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';

const DAY_MS = 86_400_000;
const expiryChoices = [
  { value: '', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 1 year' },
];

export interface NewKey {
  name: string;
  type: ApiKeyType;
  expiresAt: number | null;
}

interface Props {
  pending: boolean;
  error: unknown;
  onCreate: (key: NewKey) => void;
  onCancel: () => void;
}

export function CreateKeyForm({ pending, error, onCreate, onCancel }: Props) {
  const [name, setName] = useState('');
  const [type, setType] = useState<ApiKeyType>('production');
  const [expiryDays, setExpiryDays] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    const expiresAt = expiryDays === '' ? null : Date.now() + Number(expiryDays) * DAY_MS;
    onCreate({ name, type, expiresAt });
  }

  return (
    <form className="stack" onSubmit={submit}>
      <TextField
        label="Name"
        required
        maxLength={100}
        placeholder="greenhouse-sensor-1"
        value={name}
        onChange={(event) => setName(event.target.value)}
        hint="Say where it will be used, so you know what breaks if you revoke it."
      />
      <fieldset className="choice-group">
        <legend>Type</legend>
        <label className="choice">
          <input
            type="radio"
            name="key-type"
            value="production"
            checked={type === 'production'}
            onChange={() => setType('production')}
          />
          <span>
            <strong>Production</strong>
            <span className="muted">Starts with bg_prod_, for live systems.</span>
          </span>
        </label>
        <label className="choice">
          <input
            type="radio"
            name="key-type"
            value="development"
            checked={type === 'development'}
            onChange={() => setType('development')}
          />
          <span>
            <strong>Development</strong>
            <span className="muted">Starts with bg_dev_, for laptops and tests.</span>
          </span>
        </label>
      </fieldset>
      <SelectField
        label="Expires"
        value={expiryDays}
        onChange={(event) => setExpiryDays(event.target.value)}
      >
        {expiryChoices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </SelectField>
      <FormError error={error} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
