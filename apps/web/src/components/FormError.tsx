import { describeError } from '../lib/errors.ts';

interface Props {
  error: unknown;
  /** Fields that show their own errors inline; an error about one of them is not repeated. */
  inlineFields?: string[];
}

export function FormError({ error, inlineFields = [] }: Props) {
  if (!error) return null;
  const info = describeError(error);
  if (info.field && inlineFields.includes(info.field)) return null;
  return (
    <p className="form-error" role="alert">
      {info.message}
    </p>
  );
}
