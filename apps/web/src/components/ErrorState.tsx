import { errorMessage } from '../lib/errors.ts';

interface Props {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}

/** What failed, why, and a way to try again. */
export function ErrorState({ error, title = 'This could not be loaded.', onRetry }: Props) {
  return (
    <div className="error-state" role="alert">
      <div>
        <strong>{title}</strong> {errorMessage(error)}
      </div>
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
