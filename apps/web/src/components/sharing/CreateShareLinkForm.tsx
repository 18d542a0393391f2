import { MAX_FRAME_ORIGINS } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { trpc } from '../../lib/trpc.ts';
import { FormError } from '../FormError.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';
import styles from './ShareLinks.module.css';

const DAY = 86_400_000;
const EXPIRIES = { never: null, '1d': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '365d': 365 * DAY };
type Expiry = keyof typeof EXPIRIES;
const EXPIRY_LABELS: Record<Expiry, string> = {
  never: 'Never',
  '1d': 'In a day',
  '7d': 'In 7 days',
  '30d': 'In 30 days',
  '365d': 'In a year',
};

/** A new public link: its name, expiry, whether viewers may change the range, who may frame it. */
export function CreateShareLinkForm({
  dashboardId,
  onCreated,
}: {
  dashboardId: string;
  onCreated: (issued: { name: string; url: string }) => void;
}) {
  const utils = trpc.useUtils();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('never');
  const [allowRangeChange, setAllowRangeChange] = useState(false);
  const [origins, setOrigins] = useState('');
  const create = trpc.shareLinks.create.useMutation({
    async onSuccess(issued) {
      await utils.shareLinks.list.invalidate({ dashboardId });
      setName('');
      setOrigins('');
      onCreated({ name: issued.link.name, url: issued.url });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const span = EXPIRIES[expiry];
    create.mutate({
      dashboardId,
      name,
      expiresAt: span === null ? null : Date.now() + span,
      allowRangeChange,
      frameOrigins: origins
        .split(/\s+/)
        .map((origin) => origin.trim())
        .filter(Boolean),
    });
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Create a public link">
      <TextField
        label="Name"
        hint="Who it is for, e.g. “Status page” or “Client A”."
        value={name}
        required
        maxLength={100}
        onChange={(event) => setName(event.target.value)}
      />
      <SelectField
        label="Expires"
        value={expiry}
        onChange={(event) => setExpiry(event.target.value as Expiry)}
      >
        {(Object.keys(EXPIRIES) as Expiry[]).map((key) => (
          <option key={key} value={key}>
            {EXPIRY_LABELS[key]}
          </option>
        ))}
      </SelectField>
      <label className="check">
        <input
          type="checkbox"
          checked={allowRangeChange}
          onChange={(event) => setAllowRangeChange(event.target.checked)}
        />
        Viewers may change the time range (otherwise the dashboard’s default range holds)
      </label>
      <div className="field">
        <label htmlFor="share-origins">Sites that may embed it</label>
        <textarea
          id="share-origins"
          className={styles.origins}
          value={origins}
          placeholder="https://intranet.example.com"
          aria-describedby="share-origins-hint"
          onChange={(event) => setOrigins(event.target.value)}
        />
        <p id="share-origins-hint" className="field-hint">
          One origin per line (at most {MAX_FRAME_ORIGINS}); none: no site may frame it.
        </p>
      </div>
      <FormError error={create.error} />
      <div>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create link'}
        </button>
      </div>
    </form>
  );
}
