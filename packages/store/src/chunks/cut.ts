import { type AggregatedType, cellStart } from '../downsample/tiers.ts';

/**
 * Where sealing cuts a bucket's records into chunks (docs/storage.md, "Sealing"). A chunk
 * holds at most CHUNK_MAX_RECORDS records and never crosses a boundary of the coarsest width
 * of the ladder below that allows it. Every width divides the next and every interval
 * `chooseInterval` picks at or above it, so a downsampled read whose intervals are at least
 * that width finds each chunk inside one interval and takes its figures without decoding it.
 * Alignment only makes reads cheaper: any cut is a correct one.
 */
export const CHUNK_MAX_RECORDS = 2_048;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * TSV stops at a day: no longer width divides 7, 14, 30 and 365 days. Widths as fine as the
 * rungs between tiers (30 s, 15 and 30 min, 3, 6 and 12 h) let a bucket of one record a
 * second fill chunks of 30 minutes (1,800 records): large enough to pack the database's pages
 * (a 300-record chunk is a 3 KB row, and a 4 KB page holds one), small enough to lie inside
 * every interval of a read of a week or more.
 */
export const CUT_WIDTHS: Readonly<Record<AggregatedType, readonly number[]>> = {
  TSV: [
    ...[1, 5, 10, 50, 100, 500],
    ...[1, 5, 10, 30].map((n) => n * SECOND),
    ...[1, 5, 15, 30].map((n) => n * MINUTE),
    ...[1, 3, 6, 12, 24].map((n) => n * HOUR),
  ],
  // 1 and 5 × 10^n: each divides the next and every 1, 2, 5 × 10^m interval at or above it.
  IV: Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 1 : 5) * 10 ** (i >> 1)),
};

/** The first index in [low, high) of `keys` (ascending) that is at least `bound` (high when none is). */
export function firstKeyAtLeast(
  keys: readonly number[],
  bound: number,
  low = 0,
  high = keys.length,
): number {
  while (low < high) {
    const middle = (low + high) >> 1;
    if (keys[middle]! < bound) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The end (exclusive) of the chunk that starts at keys[start], `keys` ascending, the bucket's
 * records before it ending with `previous` (default keys[start - 1]). The chunk is one cell of
 * the coarsest width whose cell begins with keys[start] (nothing before it in the cell, so
 * consecutive chunks are whole cells of one width while the rate holds) and holds at most
 * CHUNK_MAX_RECORDS records; a sparse bucket's chunk takes as many whole cells of the coarsest
 * width as fit. A cell still open at the end of `keys` ends the chunk there.
 */
export function chunkEnd(
  type: AggregatedType,
  keys: readonly number[],
  start: number,
  previous = start > 0 ? keys[start - 1]! : Number.NEGATIVE_INFINITY,
): number {
  const widths = CUT_WIDTHS[type];
  const first = keys[start]!;
  const limit = Math.min(keys.length, start + CHUNK_MAX_RECORDS);
  // Searches stop one key past the limit: a cell ending there still fits.
  const high = Math.min(limit + 1, keys.length);
  const beginsCell = (width: number) => cellStart(first, width) > previous;
  const coarsest = widths[widths.length - 1]!;
  if (beginsCell(coarsest)) {
    const end = firstKeyAtLeast(keys, cellStart(first, coarsest) + coarsest, start + 1, high);
    if (end <= limit) {
      if (limit === keys.length) return limit;
      return firstKeyAtLeast(keys, cellStart(keys[limit]!, coarsest), end, limit + 1);
    }
  }
  for (let rung = widths.length - 2; rung > 0; rung--) {
    const width = widths[rung]!;
    if (!beginsCell(width)) continue;
    const end = firstKeyAtLeast(keys, cellStart(first, width) + width, start + 1, high);
    if (end <= limit) return end;
  }
  // The finest width, 1, holds one key.
  return start + 1;
}
