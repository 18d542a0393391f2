import { Spinner } from './Spinner.tsx';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <Spinner />
      {label}
    </div>
  );
}
