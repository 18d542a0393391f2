import {
  type BucketType,
  chooseInterval,
  type DownsampleCoarsened,
  type Downsampled,
  type DownsampleQuery,
  READ_FIGURES_BUDGET,
  READ_RAW_RECORDS_BUDGET,
} from '@bucketgrid/shared';
import { ReadOverBudget } from '../errors.ts';
import { columnsFromGroups, columnsFromRecords } from './columns.ts';
import { ask, type BucketRef, type CellGroup, type Program } from './program.ts';
import { addSum } from './sum.ts';
import { type AggregatedType, cellStart, TIER_WIDTHS, tierFor } from './tiers.ts';

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

/** What a read gave up to stay within its budget, while it is planned. */
interface Giving {
  budget: DownsampleCoarsened['budget'] | undefined;
  points: number;
  approximateIntervals: number;
}

/** The answer, saying what the read gave up when it went past a budget. */
function answer(result: Downsampled, requestedPoints: number, giving: Giving): Downsampled {
  if (giving.budget === undefined) return result;
  const { budget, points, approximateIntervals } = giving;
  return { ...result, coarsened: { budget, requestedPoints, points, approximateIntervals } };
}

/**
 * `Store.downsampleRecords`, once for every backend. An aggregated read takes the whole
 * intervals inside the range from the coarsest tier that tiles them, in one grouped query,
 * and computes from the records only the two intervals the range's ends cut and any interval
 * holding a dirty cell (one not yet recomputed since its records changed): so it is exact
 * whether or not upkeep has run, and reads no more records than those intervals hold.
 *
 * Its cost is bounded before it runs (READ_FIGURES_BUDGET, READ_RAW_RECORDS_BUDGET): an
 * answer of more intervals × series than the budget gets fewer, wider intervals; a read that
 * would fold more records than the budget widens intervals narrower than the finest stored
 * cells to those cells, and takes cut or stale intervals from their whole stored cells. The
 * answer says so (`coarsened`).
 */
export function* downsampleProgram(
  bucket: BucketRef,
  type: BucketType,
  query: DownsampleQuery,
): Program<Downsampled> {
  const { series } = query;
  const requested = query.points;
  const seriesEstimate = series?.length ?? Math.max(1, yield* ask('seriesCount', { bucket }));
  const giving: Giving = {
    budget: undefined,
    points: Math.min(requested, Math.max(1, Math.floor(READ_FIGURES_BUDGET / seriesEstimate))),
    approximateIntervals: 0,
  };
  if (giving.points < requested) giving.budget = 'figures';
  const done = (result: Downsampled) => answer(result, requested, giving);

  if (type === 'KV') {
    const { points } = giving;
    const records = yield* ask('records', {
      bucket,
      from: query.from,
      to: query.to,
      limit: points + 1,
      series,
    });
    const truncated = records.length > points;
    return done(
      columnsFromRecords(truncated ? records.slice(0, points) : records, truncated, series),
    );
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
  if (!(yield* ask('hasMoreThan', { bucket, from, to, count: giving.points }))) {
    const records = yield* ask('records', { bucket, from, to, limit: giving.points, series });
    return done(columnsFromRecords(records, false, series));
  }

  let interval = chooseInterval(type, to - from, giving.points);
  const finest = TIER_WIDTHS[type][0]!;
  if (
    interval < finest &&
    (yield* ask('hasMoreThan', { bucket, from, to, count: READ_RAW_RECORDS_BUDGET }))
  ) {
    // Every interval would come from the records, more of them than the budget: the finest
    // stored cells instead.
    interval = finest;
    giving.budget = 'raw_records';
  }
  let folds = yield* planFolds(bucket, type, from, to, interval);
  for (let attempt = 1; folds.records > READ_RAW_RECORDS_BUDGET; attempt++) {
    if (attempt > WIDENINGS || interval > to - from) {
      // No width within reach folds few enough records: the intervals awaiting upkeep, or
      // cut by the range's ends, hold more than the budget whatever their width.
      folds = approximateFolds(from, to, interval, folds);
      giving.budget = 'raw_records';
      giving.approximateIntervals = folds.approximate.length;
      break;
    }
    // Wider intervals take more sealed chunks by their figures (chunks are cut at aligned
    // cells: docs/storage.md, "Sealing"), so a read over freshly written chunks fits at some
    // width; every interval stays exact.
    interval = chooseInterval(type, 2 * interval - 1, 1);
    giving.budget = 'raw_records';
    folds = yield* planFolds(bucket, type, from, to, interval);
  }
  if (giving.budget === 'raw_records') {
    giving.points = Math.min(giving.points, Math.max(1, Math.ceil((to - from + 1) / interval)));
  }
  const { raw, tierRange, dirty, plan } = folds;
  let fromTier: CellGroup[] = [];
  if (plan.tier !== undefined && tierRange !== undefined) {
    const [lo, hi] = tierRange;
    const tier = yield* ask('groupTier', {
      bucket,
      tier: plan.tier,
      from: lo,
      to: hi,
      interval,
      series,
    });
    fromTier = dirty.size === 0 ? tier : tier.filter((group) => !dirty.has(group.start));
  }
  refuseUncovered(folds.approximate, fromTier);
  const fromRecords =
    raw.length === 0 ? [] : yield* ask('groupRaw', { bucket, ranges: raw, interval, series });
  const merged = mergeToPoints([...fromTier, ...fromRecords], interval, giving.points);
  return done(columnsFromGroups(merged.interval, merged.groups, series));
}

/**
 * How many times a read over its raw-records budget doubles its intervals, at most, before it
 * takes the intervals it cannot fold from their stored cells. Six widen them at least 64-fold;
 * 2-minute intervals (the last 24 hours as 1,000 points) reach the 30-minute chunks of a bucket
 * of one record a second in three (5, 10, 30 minutes). Each try is two bounded queries.
 */
const WIDENINGS = 6;

/** Which intervals of a read come from the tier's cells and which from the records. */
interface Folds {
  plan: ReadPlan;
  /** Key ranges folded from the records (and sealed chunks), ascending and disjoint. */
  raw: Range[];
  /** Keys whose whole intervals come from the tier's stored cells, if any. */
  tierRange: Range | undefined;
  /** Starts of the intervals inside tierRange that come from the records instead. */
  dirty: Set<number>;
  /** Records folding `raw` reads (a sealed chunk taken by its figures counts once), past the budget at most. */
  records: number;
  /** Starts of the intervals taken whole from stored cells though cut or stale (last resort). */
  approximate: number[];
}

/** The folds of [from, to] at `interval`, and what they cost, before any is run. */
function* planFolds(
  bucket: BucketRef,
  type: AggregatedType,
  from: number,
  to: number,
  interval: number,
): Program<Folds> {
  const plan = planRead(type, from, to, interval);
  const dirty = new Set<number>();
  if (plan.tier !== undefined && plan.interior !== undefined) {
    const [lo, hi] = plan.interior;
    const starts = yield* ask('dirtyIntervals', {
      bucket,
      maxTier: plan.tier,
      from: lo,
      to: hi,
      interval,
    });
    for (const start of starts) dirty.add(start);
  }
  const raw = joinRanges([
    ...plan.edges,
    ...[...dirty].map((start): Range => [start, start + interval - 1]),
  ]);
  const records =
    raw.length === 0
      ? 0
      : yield* ask('countRecords', {
          bucket,
          ranges: raw,
          interval,
          limit: READ_RAW_RECORDS_BUDGET,
        });
  return { plan, raw, tierRange: plan.interior, dirty, records, approximate: [] };
}

/**
 * The last resort of a read over its raw-records budget at every width tried: whole intervals
 * from their stored cells, the cut ones and the stale ones too, which the answer counts
 * (`approximateIntervals`): a cut one then includes records just outside the range, a stale
 * one may miss the writes of the last seconds. `approximate` names them, so that the read can
 * be refused where one has no stored cell at all (`refuseUncovered`).
 */
function approximateFolds(from: number, to: number, interval: number, folds: Folds): Folds {
  const tierRange: Range = [cellStart(from, interval), cellStart(to, interval) + interval - 1];
  const cut = folds.plan.edges.map(([start]) => cellStart(start, interval));
  const approximate = [...new Set([...cut, ...folds.dirty])];
  return { ...folds, raw: [], tierRange, dirty: new Set(), records: 0, approximate };
}

/**
 * Refuses an approximate read (ReadOverBudget) when an interval it takes from stored cells has
 * none: records written moments ago whose figures upkeep has not computed yet. An answer
 * without them would be an empty or partial chart that looks complete.
 */
function refuseUncovered(approximate: readonly number[], fromTier: readonly CellGroup[]): void {
  if (approximate.length === 0) return;
  const stored = new Set(fromTier.filter((group) => group.series === 0).map((g) => g.start));
  if (approximate.every((start) => stored.has(start))) return;
  throw new ReadOverBudget(
    `This read would fold more than ${READ_RAW_RECORDS_BUDGET} records (the raw-records read ` +
      'budget) at any interval width, and upkeep has not computed the figures of some of its ' +
      'intervals yet (records written moments ago). Ask again in a few seconds, or for a ' +
      'shorter range.',
  );
}

/**
 * A bounded answer whatever the range: aligned intervals number at most one more than
 * `points` (the range's ends fall in two of them), but one per record where a width beyond
 * 2^53 makes interval starts round; and `points=1` (one figure for a whole range, such as a
 * range across zero) means one interval. Past that, consecutive intervals are merged in equal
 * runs: each run starts where its first interval does, and the answer's `interval` becomes the
 * widest run's extent.
 */
export function mergeToPoints(
  groups: CellGroup[],
  interval: number,
  points: number,
): { interval: number; groups: CellGroup[] } {
  const starts = [...new Set(groups.map((group) => group.start))].sort((a, b) => a - b);
  if (starts.length <= (points === 1 ? 1 : points + 1)) return { interval, groups };
  const run = Math.ceil(starts.length / points);
  const runStart = new Map<number, number>();
  let width = interval;
  for (let i = 0; i < starts.length; i += run) {
    const first = starts[i]!;
    const last = starts[Math.min(i + run, starts.length) - 1]!;
    width = Math.max(width, last - first + interval);
    for (let j = i; j < i + run && j < starts.length; j++) runStart.set(starts[j]!, first);
  }
  // Per run and series, in interval order so that `last` is the latest interval's.
  const byStartThenSeries = [...groups].sort((a, b) => a.start - b.start);
  const merged = new Map<string, CellGroup>();
  for (const group of byStartThenSeries) {
    const start = runStart.get(group.start)!;
    const name = `${start}:${group.series}`;
    const into = merged.get(name);
    if (into === undefined) {
      merged.set(name, { ...group, start });
    } else {
      into.n += group.n;
      addSum(into, group.sum, group.scaled);
      into.min = Math.min(into.min, group.min);
      into.max = Math.max(into.max, group.max);
      into.last = group.last;
    }
  }
  return { interval: width, groups: [...merged.values()] };
}
