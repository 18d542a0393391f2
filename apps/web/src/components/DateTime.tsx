import { useTimeFormat } from '../hooks/useTimeFormat.ts';

/** A time in the app's one format and the viewer's zone; the tooltip names the zone. */
export function DateTime({ ms, dateOnly }: { ms: number; dateOnly?: boolean }) {
  const format = useTimeFormat();
  const full = format.dateTime(ms);
  return (
    <time dateTime={new Date(ms).toISOString()} title={`${full} ${format.zoneLabel}`}>
      {dateOnly ? full.slice(0, 10) : `${full} ${format.zoneShort}`}
    </time>
  );
}
