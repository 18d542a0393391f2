/**
 * The dashboard's relative time ranges, as they appear in the web app's URL (`?range=24h`).
 * `all` is everything the buckets hold. Absolute ranges are `from`/`to` in unix ms.
 */
export const relativeRanges = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '1y': 365 * 86_400_000,
  all: null,
} as const satisfies Record<string, number | null>;
export type RelativeRange = keyof typeof relativeRanges;
export const relativeRangeNames = Object.keys(relativeRanges) as RelativeRange[];
export const DEFAULT_RELATIVE_RANGE: RelativeRange = '24h';
