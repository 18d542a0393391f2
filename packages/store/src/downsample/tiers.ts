import type { BucketType } from '@bucketgrid/shared';

/** Bucket types whose records are aggregated (KV keys have no order worth an interval). */
export type AggregatedType = Exclude<BucketType, 'KV'>;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The widths of the pre-aggregated tiers, finest first; each divides the next, so a cell of
 * one tier is made of whole cells of the tier below. Every interval `chooseInterval` picks
 * from 10 s (TSV) or 10 (IV) upwards is a whole number of cells of one of these tiers: at
 * most 14 of them for TSV intervals up to two weeks (73 for a year), at most 50 for IV
 * intervals up to 10¹³. Narrower intervals are computed from the records.
 */
export const TIER_WIDTHS: Readonly<Record<AggregatedType, readonly number[]>> = {
  TSV: [10 * SECOND, MINUTE, 5 * MINUTE, HOUR, DAY, 5 * DAY],
  IV: [10, 100, 1e3, 1e4, 1e5, 1e6, 1e8, 1e10, 1e12],
};

/** The most tiers any bucket type has. */
export const TIER_COUNT = Math.max(...Object.values(TIER_WIDTHS).map((widths) => widths.length));

/** The coarsest tier whose cells tile `interval` exactly, or undefined when none does. */
export function tierFor(type: AggregatedType, interval: number): number | undefined {
  const widths = TIER_WIDTHS[type];
  for (let tier = widths.length - 1; tier >= 0; tier--) {
    if (interval % widths[tier]! === 0) return tier;
  }
  return undefined;
}

/**
 * The start of the cell (or interval) of `width` that holds `key`: a multiple of `width`,
 * rounding down for negative keys too. Exact for every safe integer and every width, unlike
 * `Math.floor(key / width) * width`, whose division rounds, or `(key % width) + width`, which
 * rounds once `width` passes 2^53 (the widths of a downsample over the whole safe range do):
 * `key - rest` is exact (no larger than `key`), and for a negative key it is then one more
 * whole `width` down.
 */
export function cellStart(key: number, width: number): number {
  const rest = key % width;
  return rest < 0 ? key - rest - width : key - rest;
}
