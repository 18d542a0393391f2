import type { DataRecord, RecordKey } from '@bucketgrid/shared';
import type { AggregatedType } from './tiers.ts';

/*
 * The downsampling logic (which intervals come from which tier, which from the records, how
 * upkeep walks the tiers) is written once, as generator "programs" that yield the primitive
 * queries below and get their answers back. Each backend answers the same operations under the
 * same names: SQLite synchronously (so a read is one snapshot and an upkeep step one
 * transaction, see `runSync`), MongoDB asynchronously (`runAsync`).
 */

/** How a backend names a bucket in its own tables: SQLite's rowid, MongoDB's bucket id. */
export type BucketRef = number | string;

/**
 * One series' figures over one interval (or one cell): `n` non-null values, their sum, min,
 * max, and the last of them by key. The sum is Σ v·SUM_SCALE when `scaled` (the plain sum
 * overflowed: ./sum.ts). Series 0 stands for the records themselves: its `n` is how many
 * there are (its other figures are 0). A series with no non-null value has no group.
 */
export interface CellGroup {
  start: number;
  series: number;
  n: number;
  sum: number;
  scaled: boolean;
  min: number;
  max: number;
  last: number;
}

/** A cell whose figures are stale. `version` changes whenever it is marked again. */
export interface DirtyCell {
  bucket: BucketRef;
  type: AggregatedType;
  tier: number;
  cell: number;
  version: number;
}

/** A recomputed cell: its new figures, and the start of its parent cell (none on the top tier). */
export interface RecomputedCell {
  mark: DirtyCell;
  groups: CellGroup[];
  parent: number | undefined;
}

interface Op<Args, Result> {
  args: Args;
  result: Result;
}

/** The primitive queries. Key ranges are inclusive at both ends. */
export interface Operations {
  /** The bucket's first and last key; null when it holds no record. */
  bounds: Op<{ bucket: BucketRef }, { first: number; last: number } | null>;
  /** Whether more than `count` records have keys in [from, to]. */
  hasMoreThan: Op<{ bucket: BucketRef; from: number; to: number; count: number }, boolean>;
  /**
   * How many series the latest stored cell of the bucket's coarsest stored tier holds (0: none
   * yet): one indexed row, for the read budget's estimate of an answer's series.
   */
  seriesCount: Op<{ bucket: BucketRef }, number>;
  /**
   * How many records folding `ranges` per interval of `interval` reads, counting no further
   * than `limit` + 1: the records they hold, except that a backend with pre-folded blocks (a
   * SQLite sealed chunk inside one interval) counts each such block once.
   */
  countRecords: Op<
    { bucket: BucketRef; ranges: [number, number][]; interval: number; limit: number },
    number
  >;
  /** Up to `limit` records in key order, from `from` to `to` (each open when undefined). */
  records: Op<
    { bucket: BucketRef; from?: RecordKey; to?: RecordKey; limit: number; series?: number[] },
    DataRecord[]
  >;
  /**
   * Starts of the intervals of `interval` that hold a dirty cell of tiers 0 to `maxTier`
   * starting in [from, to]: one per interval however many of its cells are dirty (a million
   * records just written leave 100,000 dirty 10-second cells under 556 intervals).
   */
  dirtyIntervals: Op<
    { bucket: BucketRef; maxTier: number; from: number; to: number; interval: number },
    number[]
  >;
  /**
   * The stored figures of tier `tier`'s cells that start in [from, to], combined per interval
   * of `interval` (a multiple of the tier's width) and series.
   */
  groupTier: Op<
    {
      bucket: BucketRef;
      tier: number;
      from: number;
      to: number;
      interval: number;
      series?: number[];
    },
    CellGroup[]
  >;
  /** The records in `ranges` (ascending, disjoint) computed per interval of `interval` and series. */
  groupRaw: Op<
    { bucket: BucketRef; ranges: [number, number][]; interval: number; series?: number[] },
    CellGroup[]
  >;
  /** Up to `limit` dirty cells of tier `tier`, of any bucket, last marked before `markedBefore`. */
  takeDirty: Op<{ tier: number; limit: number; markedBefore: number }, DirtyCell[]>;
  /**
   * For each cell whose mark still has the version it was taken with: replaces its figures
   * with `groups`, clears the mark, and marks its parent dirty. Returns how many it applied.
   */
  writeCells: Op<{ tier: number; cells: RecomputedCell[] }, number>;
}

type Name = keyof Operations;
type Args<N extends Name> = Operations[N]['args'];
type Result<N extends Name> = Operations[N]['result'];

/** One primitive query, as a program yields it. */
export type Request = { [N in Name]: { name: N; args: Args<N> } }[Name];

/** A program: yields requests, gets each one's answer back, finally returns a `T`. */
export type Program<T> = Generator<Request, T, unknown>;

/** A backend that answers each operation synchronously. */
export type SyncOperations = { [N in Name]: (args: Args<N>) => Result<N> };
/** A backend that answers each operation with a promise. */
export type AsyncOperations = { [N in Name]: (args: Args<N>) => Promise<Result<N>> };

/** Asks the backend; `yield* ask(...)` evaluates to the answer, typed by the operation. */
export function* ask<N extends Name>(
  name: N,
  args: Args<N>,
): Generator<Request, Result<N>, unknown> {
  return (yield { name, args } as Request) as Result<N>;
}

export function runSync<T>(program: Program<T>, operations: SyncOperations): T {
  let step = program.next();
  while (!step.done) {
    const { name, args } = step.value;
    step = program.next((operations[name] as (args: unknown) => unknown)(args));
  }
  return step.value;
}

export async function runAsync<T>(program: Program<T>, operations: AsyncOperations): Promise<T> {
  let step = program.next();
  while (!step.done) {
    const { name, args } = step.value;
    step = program.next(await (operations[name] as (args: unknown) => Promise<unknown>)(args));
  }
  return step.value;
}
