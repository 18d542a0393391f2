import {
  type BucketType,
  chooseInterval,
  type Downsampled,
  type DownsampleQuery,
} from '@bucketgrid/shared';
import { columnsFromGroups, columnsFromRecords } from './columns.ts';
import { ask, type BucketRef, type CellGroup, type Program } from './program.ts';
import { type AggregatedType, cellStart, tierFor } from './tiers.ts';

type Range = [number, number];

/** Where each interval of an aggregated read comes from. */
export interface ReadPlan {
  /** The tier whose cells tile the interval; undefined: every interval comes from records. */
  tier: number | undefined;
  /** Keys [from, to] of the whole intervals inside the range (tier figures), if any. */
  interior: Range | undefined;
  /** Key ranges computed from the records: the intervals the range's ends cut, clipped. */
  edges: Range[];
}

/**
 * Splits [from, to] into intervals of `interval`: the interval holding `from` and the one
 * holding `to` are clipped to the range unless it starts or ends on their boundary, so they
 * come from the records; whole intervals between them come from the tier, when there is one.
 */
export function planRead(
  type: AggregatedType,
  from: number,
  to: number,
  interval: number,
): ReadPlan {
  const tier = tierFor(type, interval);
  if (tier === undefined) return { tier, interior: undefined, edges: [[from, to]] };
  const first = cellStart(from, interval);
  const last = cellStart(to, interval);
  const edges: Range[] = [];
  let lo = first;
  let hi = last + interval - 1;
  if (from > first) {
    edges.push([from, Math.min(to, first + interval - 1)]);
    lo = first + interval;
  }
  if (to < hi) {
    // Unless the first edge above already took this interval (from and to in the same one).
    if (last > first || from === first) edges.push([Math.max(from, last), to]);
    hi = last - 1;
  }
  return { tier, interior: lo <= hi ? [lo, hi] : undefined, edges };
}

/** Sorts ranges and joins those that touch, so each run of intervals is one query. */
function joinRanges(ranges: Range[]): Range[] {
  ranges.sort((a, b) => a[0] - b[0]);
  const joined: Range[] = [];
  for (const range of ranges) {
    const previous = joined.at(-1);
    if (previous && previous[1] + 1 >= range[0]) previous[1] = Math.max(previous[1], range[1]);
    else joined.push([range[0], range[1]]);
  }
  return joined;
}

/**
 * `Store.downsampleRecords`, once for every backend. An aggregated read takes the whole
 * intervals inside the range from the coarsest tier that tiles them, in one grouped query,
 * and computes from the records only the two intervals the range's ends cut and any interval
 * holding a dirty cell (one not yet recomputed since its records changed): so it is exact
 * whether or not upkeep has run, and reads no more records than those intervals hold.
 */
export function* downsampleProgram(
  bucket: BucketRef,
  type: BucketType,
  query: DownsampleQuery,
): Program<Downsampled> {
  const { points, series } = query;
  if (type === 'KV') {
    const records = yield* ask('records', {
      bucket,
      from: query.from,
      to: query.to,
      limit: points + 1,
      series,
    });
    const truncated = records.length > points;
    return columnsFromRecords(truncated ? records.slice(0, points) : records, truncated, series);
  }

  let from = query.from as number | undefined;
  let to = query.to as number | undefined;
  if (from === undefined || to === undefined) {
    const bounds = yield* ask('bounds', { bucket });
    if (bounds === null) return columnsFromRecords([], false);
    from ??= bounds.first;
    to ??= bounds.last;
  }
  if (from > to) return columnsFromRecords([], false);
  if (!(yield* ask('hasMoreThan', { bucket, from, to, count: points }))) {
    const records = yield* ask('records', { bucket, from, to, limit: points, series });
    return columnsFromRecords(records, false, series);
  }

  const interval = chooseInterval(type, to - from, points);
  const plan = planRead(type, from, to, interval);
  const raw = [...plan.edges];
  let fromTier: CellGroup[] = [];
  if (plan.tier !== undefined && plan.interior !== undefined) {
    const [lo, hi] = plan.interior;
    const dirty = new Set(
      (yield* ask('dirtyCells', { bucket, maxTier: plan.tier, from: lo, to: hi })).map((cell) =>
        cellStart(cell, interval),
      ),
    );
    const tier = yield* ask('groupTier', {
      bucket,
      tier: plan.tier,
      from: lo,
      to: hi,
      interval,
      series,
    });
    fromTier = dirty.size === 0 ? tier : tier.filter((group) => !dirty.has(group.start));
    for (const start of dirty) raw.push([start, start + interval - 1]);
  }
  const fromRecords =
    raw.length === 0
      ? []
      : yield* ask('groupRaw', { bucket, ranges: joinRanges(raw), interval, series });
  return columnsFromGroups(interval, [...fromTier, ...fromRecords], series);
}
