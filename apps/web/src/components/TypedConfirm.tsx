import { useState } from 'react';
import { FormError } from './FormError.tsx';
import { TextField } from './TextField.tsx';

interface Props {
  /** What must be typed: the name of the thing about to go. */
  expected: string;
  actionLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
}

/** A destructive action that needs its target's name typed first, so it never happens by a slip. */
export function TypedConfirm({
  expected,
  actionLabel,
  pendingLabel,
  pending,
  error,
  onConfirm,
}: Props) {
  const [typed, setTyped] = useState('');
  const matches = typed.trim() === expected;
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        if (matches) onConfirm();
      }}
    >
      <TextField
        label={
          <>
            Type <strong className="confirm-word">{expected}</strong> to confirm
          </>
        }
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      <FormError error={error} />
      <div>
        <button type="submit" className="btn btn-danger" disabled={!matches || pending}>
          {pending ? pendingLabel : actionLabel}
        </button>
      </div>
    </form>
  );
}
