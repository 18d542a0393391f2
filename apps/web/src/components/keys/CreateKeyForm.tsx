import {
  type ApiKeyType,
  apiKeyNameSchema,
  type KeyPermission,
  keyScopePresets,
} from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { checkFields } from '../../lib/validate.ts';
import { FormError } from '../FormError.tsx';
import { type RadioChoice, RadioGroup } from '../RadioGroup.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';

const DAY_MS = 86_400_000;
const expiryChoices = [
  { value: '', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 1 year' },
];

const keyTypeChoices: RadioChoice<ApiKeyType>[] = [
  { value: 'production', label: 'Production', detail: 'Starts with bg_prod_, for live systems.' },
  {
    value: 'development',
    label: 'Development',
    detail: 'Starts with bg_dev_, for laptops and tests.',
  },
];

type ScopePreset = keyof typeof keyScopePresets;

const scopeChoices: RadioChoice<ScopePreset>[] = [
  {
    value: 'ingest',
    label: 'Ingest only',
    detail: 'Writes records (POST, PUT); cannot read or delete.',
  },
  { value: 'read', label: 'Read only', detail: 'Reads records and downsampled series (GET).' },
  { value: 'full', label: 'Full', detail: 'Writes, reads and deletes records (also purge).' },
];

export interface NewKey {
  name: string;
  type: ApiKeyType;
  expiresAt: number | null;
  scopes: KeyPermission[];
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
  const [preset, setPreset] = useState<ScopePreset>('full');

  const [invalid, setInvalid] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = checkFields({ name: [apiKeyNameSchema, name] });
    setInvalid(problems);
    if (problems.name) return;
    const expiresAt = expiryDays === '' ? null : Date.now() + Number(expiryDays) * DAY_MS;
    onCreate({ name, type, expiresAt, scopes: [...keyScopePresets[preset]] });
  }

  return (
    <form className="stack" onSubmit={submit}>
      <TextField
        label="Name"
        required
        error={invalid.name}
        placeholder="greenhouse-sensor-1"
        value={name}
        onChange={(event) => setName(event.target.value)}
        hint="Say where it will be used, so you know what breaks if you revoke it."
      />
      <RadioGroup
        legend="Type"
        name="key-type"
        choices={keyTypeChoices}
        value={type}
        onChange={setType}
      />
      <RadioGroup
        legend="Permissions"
        name="key-scope"
        choices={scopeChoices}
        value={preset}
        onChange={setPreset}
      />
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
