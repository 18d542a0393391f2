import type { BucketType, RecordKey } from '@bucketgrid/shared';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const numberFormat = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return numberFormat.format(n);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local date and time, to the second: `2025-10-20 12:00:00`. Sortable and unambiguous. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** `5 minutes ago`, `in 24 hours`, `just now`. */
export function formatRelative(ms: number, now: number): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  let text: string;
  if (abs < HOUR) text = plural(Math.round(abs / MINUTE), 'minute');
  // Hours up to two days, so a 24-hour grace period reads "in 24 hours", not "in 1 day".
  else if (abs < 2 * DAY) text = plural(Math.round(abs / HOUR), 'hour');
  else text = plural(Math.round(abs / DAY), 'day');
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

/** How long to wait, for messages: `45 seconds`, `3 minutes`. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), 'second');
  return plural(Math.ceil(seconds / 60), 'minute');
}

/** A record key as people read it: a local time for TSV, as stored for KV and IV. */
export function formatKey(key: RecordKey, type: BucketType): string {
  if (type === 'TSV' && typeof key === 'number') return formatDateTime(key);
  return String(key);
}

export function formatValue(value: number | null | undefined): string {
  if (value === null) return 'null';
  if (value === undefined) return '';
  return String(value);
}
