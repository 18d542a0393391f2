import type { ChangeEvent } from 'react';
import { TextField } from '../TextField.tsx';

// The server decides (weak_password); the hint only tells the rule up front.
const MIN_PASSWORD = 10;

interface Props {
  label: string;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  error?: string;
}

/** A field for choosing a password, on sign-up and when changing it. */
export function NewPasswordField({ label, value, onChange, error }: Props) {
  return (
    <TextField
      label={label}
      type="password"
      autoComplete="new-password"
      required
      value={value}
      onChange={onChange}
      hint={`At least ${MIN_PASSWORD} characters, hard to guess: a few unrelated words work well.`}
      error={error}
    />
  );
}
