/**
 * The one way the app writes times: 24-hour, year-month-day, in the zone the viewer chose
 * (their own or UTC), with the zone always named. Charts, tables, key lists and tooltips all
 * use it, so a time reads the same everywhere.
 */
export type TimeZoneChoice = 'local' | 'utc';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `+02:00`, `-05:30`, `+00:00` for an offset in minutes east of UTC. */
export function formatOffset(minutesEast: number): string {
  const sign = minutesEast < 0 ? '-' : '+';
  const abs = Math.abs(minutesEast);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export interface TimeFormat {
  zone: TimeZoneChoice;
  /** The zone as people read it: `UTC`, or `Europe/Berlin (UTC+01:00)`. */
  zoneLabel: string;
  /** Short zone name for tight places (axis captions): `UTC` or `UTC+01:00`. */
  zoneShort: string;
  /** `2025-10-20 12:00:00`. */
  dateTime(ms: number): string;
  /** `2025-10-20 12:00:00.250`, for keys that differ below a second. */
  dateTimeMs(ms: number): string;
  /** Axis tick labels for ticks `step` ms apart; a new day gets the date on a second line. */
  ticks(values: readonly number[], step: number): string[];
  /** The value for `<input type="datetime-local" step="1">` in this zone: `2025-10-20T12:00:05`. */
  toInput(ms: number): string;
  /** Reads a `datetime-local` value in this zone; null when it is not a time. */
  fromInput(value: string): number | null;
}

export function createTimeFormat(zone: TimeZoneChoice, localZoneName?: string): TimeFormat {
  const utc = zone === 'utc';
  const parts = (ms: number): Parts => {
    const d = new Date(ms);
    return utc
      ? {
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
          second: d.getUTCSeconds(),
          ms: d.getUTCMilliseconds(),
        }
      : {
          year: d.getFullYear(),
          month: d.getMonth() + 1,
          day: d.getDate(),
          hour: d.getHours(),
          minute: d.getMinutes(),
          second: d.getSeconds(),
          ms: d.getMilliseconds(),
        };
  };
  const date = (p: Parts) => `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  const hm = (p: Parts) => `${pad(p.hour)}:${pad(p.minute)}`;
  const hms = (p: Parts) => `${hm(p)}:${pad(p.second)}`;

  const offset = formatOffset(-new Date().getTimezoneOffset());
  const name = localZoneName ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zoneShort = utc ? 'UTC' : `UTC${offset}`;
  const zoneLabel = utc ? 'UTC' : name ? `${name} (UTC${offset})` : `UTC${offset}`;

  return {
    zone,
    zoneLabel,
    zoneShort,
    dateTime: (ms) => {
      const p = parts(ms);
      return `${date(p)} ${hms(p)}`;
    },
    dateTimeMs: (ms) => {
      const p = parts(ms);
      return `${date(p)} ${hms(p)}.${pad(p.ms, 3)}`;
    },
    ticks(values, step) {
      let previous: Parts | null = null;
      return values.map((ms) => {
        const p = parts(ms);
        const newYear = previous?.year !== p.year;
        const newDay = newYear || previous?.month !== p.month || previous?.day !== p.day;
        previous = p;
        if (step >= 28 * DAY) return `${p.year}-${pad(p.month)}`;
        if (step >= DAY)
          return newYear
            ? `${pad(p.month)}-${pad(p.day)}\n${p.year}`
            : `${pad(p.month)}-${pad(p.day)}`;
        const time = step >= MINUTE ? hm(p) : step >= SECOND ? hms(p) : `${hms(p)}.${pad(p.ms, 3)}`;
        return newDay ? `${time}\n${date(p)}` : time;
      });
    },
    toInput(ms) {
      const p = parts(ms);
      return `${date(p)}T${hms(p)}`;
    },
    fromInput(value) {
      const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
      if (!match) return null;
      const [y, mo, d, h, mi, s] = match.slice(1).map((n) => Number(n ?? 0)) as number[];
      const ms = utc
        ? Date.UTC(y!, mo! - 1, d, h, mi, s)
        : new Date(y!, mo! - 1, d, h, mi, s).getTime();
      return Number.isFinite(ms) ? ms : null;
    },
  };
}

/** Tick spacing that keeps labels apart: wider labels (seconds, dates) need more room. */
export function minTickSpacingPx(step: number): number {
  if (step < SECOND) return 110;
  if (step < MINUTE) return 80;
  return 64;
}

export { DAY, HOUR, MINUTE, SECOND };
