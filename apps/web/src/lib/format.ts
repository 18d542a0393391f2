const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const numberFormat = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return numberFormat.format(n);
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

/** A span as the downsampled intervals come (round widths): `500 ms`, `20 s`, `5 min`, `3 h`, `7 d`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < MINUTE) return `${ms / 1_000} s`;
  if (ms < HOUR) return `${ms / MINUTE} min`;
  if (ms < DAY) return `${ms / HOUR} h`;
  return `${ms / DAY} d`;
}
