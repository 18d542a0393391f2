import {
  DEFAULT_RELATIVE_RANGE,
  type RelativeRange,
  relativeRangeNames,
  relativeRanges,
} from '@bucketgrid/shared';

/** The dashboard's time range: the last N (following live data), or fixed from/to (unix ms). */
export type DashboardRange =
  | { kind: 'relative'; name: RelativeRange }
  | { kind: 'absolute'; from: number; to: number };

export const rangeLabels: Record<RelativeRange, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '1y': 'Last year',
  all: 'Everything',
};

export const rangeShortLabels: Record<RelativeRange, string> = {
  '15m': '15m',
  '1h': '1h',
  '6h': '6h',
  '24h': '24h',
  '7d': '7d',
  '30d': '30d',
  '1y': '1y',
  all: 'All',
};

export function isRelativeRange(name: string | null): name is RelativeRange {
  return name !== null && (relativeRangeNames as string[]).includes(name);
}

/** A `from`/`to` URL value: unix ms or an ISO 8601 time with a zone. */
export function parseInstant(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^-?\d+$/.test(value)) {
    const ms = Number(value);
    return Number.isSafeInteger(ms) ? ms : null;
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** ISO 8601 in UTC, without milliseconds when there are none: readable in a shared link. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/**
 * The range a URL names (`?range=7d` or `?from=…&to=…`); anything missing or unreadable
 * falls back to the layout's default, so a mangled link still opens the dashboard.
 */
export function parseRange(
  params: URLSearchParams,
  fallback: RelativeRange = DEFAULT_RELATIVE_RANGE,
): DashboardRange {
  const from = parseInstant(params.get('from'));
  const to = parseInstant(params.get('to'));
  if (from !== null && to !== null && from < to) return { kind: 'absolute', from, to };
  const name = params.get('range');
  return { kind: 'relative', name: isRelativeRange(name) ? name : fallback };
}

/** The URL's search parameters for a range; the default range leaves the URL clean. */
export function rangeSearch(
  range: DashboardRange,
  current: URLSearchParams,
  fallback: RelativeRange,
): URLSearchParams {
  const next = new URLSearchParams(current);
  next.delete('range');
  next.delete('from');
  next.delete('to');
  if (range.kind === 'absolute') {
    next.set('from', formatInstant(range.from));
    next.set('to', formatInstant(range.to));
  } else if (range.name !== fallback) {
    next.set('range', range.name);
  }
  return next;
}

/** From/to in unix ms at `now`; null ends are open (everything). */
export function resolveRange(
  range: DashboardRange,
  now: number,
): { from: number | null; to: number | null } {
  if (range.kind === 'absolute') return { from: range.from, to: range.to };
  const span = relativeRanges[range.name];
  return span === null ? { from: null, to: null } : { from: now - span, to: now };
}

/** Whether new records can land in the range: a relative one always ends now. */
export function includesNow(range: DashboardRange, now: number): boolean {
  return range.kind === 'relative' || range.to >= now;
}

export function sameRange(a: DashboardRange, b: DashboardRange): boolean {
  if (a.kind === 'relative' && b.kind === 'relative') return a.name === b.name;
  if (a.kind === 'absolute' && b.kind === 'absolute') return a.from === b.from && a.to === b.to;
  return false;
}

/** A stable string for query keys: relative ranges keep one key while their window moves. */
export function rangeKey(range: DashboardRange): string {
  return range.kind === 'relative' ? range.name : `${range.from}-${range.to}`;
}

/**
 * How often a relative range's widgets refetch with no write to prompt them, so the window
 * keeps sliding: about every 1/200 of the span, between 5 seconds and 5 minutes.
 */
export function slideIntervalMs(range: DashboardRange): number | false {
  if (range.kind === 'absolute') return false;
  const span = relativeRanges[range.name];
  if (span === null) return false;
  return Math.min(300_000, Math.max(5_000, Math.round(span / 200)));
}
