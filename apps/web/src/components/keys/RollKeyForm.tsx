import type { RollGrace } from '@bucketgrid/shared';
import { FormError } from '../FormError.tsx';

const graceChoices: { value: RollGrace; label: string }[] = [
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
      <fieldset className="choice-group choice-group-inline">
        <legend>Old key keeps working for</legend>
        {graceChoices.map((choice) => (
          <label key={choice.value} className="choice">
            <input
              type="radio"
              name="grace"
              value={choice.value}
              checked={grace === choice.value}
              onChange={() => onGrace(choice.value)}
            />
            <span>{choice.label}</span>
          </label>
        ))}
      </fieldset>
      <FormError error={error} />
      <div>
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Rolling…' : 'Roll key'}
        </button>
      </div>
    </form>
  );
}
