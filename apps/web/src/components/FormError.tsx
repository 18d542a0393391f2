import { errorMessage } from '../lib/errors.ts';

/** A form's error above its button; errors about one field show beside it (see formErrors). */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {errorMessage(error)}
    </p>
  );
}
