import { useNow } from '../hooks/useNow.ts';
import { useTimeFormat } from '../hooks/useTimeFormat.ts';
import { formatRelative } from '../lib/format.ts';

/** A relative time ("5 minutes ago") that stays current; the exact time is in its tooltip. */
export function TimeAgo({ ms, fallback = 'never' }: { ms: number | null; fallback?: string }) {
  const now = useNow();
  const format = useTimeFormat();
  if (ms === null) return <span className="muted">{fallback}</span>;
  return (
    <time
      dateTime={new Date(ms).toISOString()}
      title={`${format.dateTime(ms)} ${format.zoneLabel}`}
    >
      {formatRelative(ms, now)}
    </time>
  );
}
