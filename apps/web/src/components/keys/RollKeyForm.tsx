import type { RollGrace } from '@bucketgrid/shared';
import { FormError } from '../FormError.tsx';
import { type RadioChoice, RadioGroup } from '../RadioGroup.tsx';

const graceChoices: RadioChoice<RollGrace>[] = [
  { value: 'none', label: 'Stop the old key now' },
  { value: '1h', label: '1 hour' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
];

interface Props {
  grace: RollGrace;
  onGrace: (grace: RollGrace) => void;
  pending: boolean;
  error: unknown;
  onRoll: () => void;
}

export function RollKeyForm({ grace, onGrace, pending, error, onRoll }: Props) {
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        onRoll();
      }}
    >
      <p>
        Rolling makes a new key with the same name and type. Give the old one time to keep working
        while you put the new one in place.
      </p>
      <RadioGroup
        legend="Old key keeps working for"
        name="grace"
        choices={graceChoices}
        value={grace}
        onChange={onGrace}
        inline
      />
      <FormError error={error} />
      <div>
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Rolling…' : 'Roll key'}
        </button>
      </div>
    </form>
  );
}
