import { useNow } from '../hooks/useNow.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';

/** A relative time ("5 minutes ago") that stays current; the exact time is in its tooltip. */
export function TimeAgo({ ms, fallback = 'never' }: { ms: number | null; fallback?: string }) {
  const now = useNow();
  if (ms === null) return <span className="muted">{fallback}</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatDateTime(ms)}>
      {formatRelative(ms, now)}
    </time>
  );
}
