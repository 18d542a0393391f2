import { type ReactNode, useState } from 'react';
import { FormError } from './FormError.tsx';
import { TextField } from './TextField.tsx';

interface Props {
  /** What the action does, and what it cannot undo. */
  children: ReactNode;
  /** When set, this must be typed first (the name of the thing about to go), so no slip does it. */
  expected?: string;
  actionLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  /** In a dialog: a Cancel button beside the action. */
  onCancel?: () => void;
}

/** A destructive action: what it does, an optional typed confirmation, its error and its button. */
export function DangerConfirm({
  children,
  expected,
  actionLabel,
  pendingLabel,
  pending,
  error,
  onConfirm,
  onCancel,
}: Props) {
  const [typed, setTyped] = useState('');
  const confirmed = expected === undefined || typed.trim() === expected;
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        if (confirmed) onConfirm();
      }}
    >
      <p>{children}</p>
      {expected !== undefined && (
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
      )}
      <FormError error={error} />
      <div className={onCancel ? 'dialog-actions' : undefined}>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="btn btn-danger" disabled={!confirmed || pending}>
          {pending ? pendingLabel : actionLabel}
        </button>
      </div>
    </form>
  );
}
