import { type Downsampled, type DownsampledSeries, sliceDownsampled } from './downsample.ts';
import type { LongRecord } from './records.ts';
import type { PushedRead } from './share-pushed.ts';

/**
 * A pushed answer told as what changed since the one pushed before it (docs/sharing.md,
 * "Public links"). While records stream in, a locked link's chart of the last hour changes
 * only at its ends (the newest interval; the first, as the range slides), and a table of the
 * latest records gains a few at its top: instead of the whole answer again with each event
 * (20 KB for a 500-point chart, to every viewer), the rows before and after the run of rows
 * kept from the previous answer. Applied to that answer, it gives exactly the new one.
 */
export interface AnswerChange {
  /** The rows kept from the previous answer: [from, to) of its rows. */
  keep: [number, number];
  /** The new answer's rows before the kept ones, as an answer of the same shape. */
  head: unknown;
  /** Its rows after the kept ones, as an answer of the same shape, with its other fields. */
  tail: unknown;
}

/** The rows of an answer of one kind of read, and how to cut and join them. */
interface Rows<Answer> {
  length(answer: Answer): number;
  key(answer: Answer, row: number): unknown;
  /** Whether two answers' rows are the same row with the same figures. */
  same(a: Answer, i: number, b: Answer, j: number): boolean;
  /** Whether rows of the two can be joined (same columns, same interval). */
  joinable(a: Answer, b: Answer): boolean;
  /** Rows [from, to), with the answer's other fields. */
  slice(answer: Answer, from: number, to: number): Answer;
  /** The parts' rows in order, with the other fields of `fields`. */
  join(parts: Answer[], fields: Answer): Answer;
}

const FIGURES = ['min', 'max', 'avg', 'last'] as const;

/**
 * The parts' rows one after the other, by array concat: flatMap took 1.45 ms to join a
 * 1,000-point chart of 4 series, concat 0.05 ms (docs/performance.md), on every pushed change,
 * in every viewer's page.
 */
const joined = <T>(columns: T[][]): T[] => ([] as T[]).concat(...columns);

const downsampleRows: Rows<Downsampled> = {
  length: (answer) => answer.keys.length,
  key: (answer, row) => answer.keys[row],
  same(a, i, b, j) {
    if (a.keys[i] !== b.keys[j] || a.count[i] !== b.count[j]) return false;
    for (const sk in b.series) {
      const x = a.series[Number(sk)]!;
      const y = b.series[Number(sk)]!;
      for (const figure of FIGURES) if (x[figure][i] !== y[figure][j]) return false;
    }
    return true;
  },
  joinable(a, b) {
    const series = Object.keys(b.series);
    return (
      a.interval === b.interval &&
      Object.keys(a.series).length === series.length &&
      series.every((sk) => a.series[Number(sk)] !== undefined)
    );
  },
  slice: sliceDownsampled,
  join(parts, fields) {
    const series: Record<number, DownsampledSeries> = {};
    for (const sk in fields.series) {
      const of = (figure: (typeof FIGURES)[number]) =>
        joined(parts.map((part) => part.series[Number(sk)]![figure]));
      series[Number(sk)] = { min: of('min'), max: of('max'), avg: of('avg'), last: of('last') };
    }
    return {
      ...fields,
      keys: joined(parts.map((part) => part.keys)),
      count: joined(parts.map((part) => part.count)),
      series,
    };
  },
};

interface RecordsAnswer {
  records: LongRecord[];
  nextCursor: string | null;
}

const recordsRows: Rows<RecordsAnswer> = {
  length: (answer) => answer.records.length,
  key: (answer, row) => answer.records[row]!.key,
  same: (a, i, b, j) => JSON.stringify(a.records[i]) === JSON.stringify(b.records[j]),
  joinable: () => true,
  slice: (answer, from, to) => ({ ...answer, records: answer.records.slice(from, to) }),
  join: (parts, fields) => ({
    ...fields,
    records: joined(parts.map((part) => part.records)),
  }),
};

const ROWS = { downsample: downsampleRows, records: recordsRows } as Record<
  PushedRead['kind'],
  Rows<unknown>
>;

/**
 * What changed from `before` to `after`, two answers of the same read; null when the change
 * would not be much shorter than `after` itself (fewer than half its rows kept).
 */
export function answerChange(
  kind: PushedRead['kind'],
  before: unknown,
  after: unknown,
): AnswerChange | null {
  const rows = ROWS[kind];
  if (!rows.joinable(before, after)) return null;
  const oldLength = rows.length(before);
  const newLength = rows.length(after);
  const rowOf = new Map<unknown, number>();
  for (let i = 0; i < oldLength; i++) rowOf.set(rows.key(before, i), i);
  // The longest run of rows the two have in common, in order (keys are unique and sorted).
  let kept = { from: 0, at: 0, length: 0 };
  for (let j = 0; j < newLength; ) {
    const i = rowOf.get(rows.key(after, j));
    if (i === undefined || !rows.same(before, i, after, j)) {
      j++;
      continue;
    }
    let length = 1;
    while (
      i + length < oldLength &&
      j + length < newLength &&
      rows.same(before, i + length, after, j + length)
    ) {
      length++;
    }
    if (length > kept.length) kept = { from: i, at: j, length };
    j += length;
  }
  if (kept.length * 2 < newLength || kept.length === 0) return null;
  return {
    keep: [kept.from, kept.from + kept.length],
    head: rows.slice(after, 0, kept.at),
    tail: rows.slice(after, kept.at + kept.length, newLength),
  };
}

/** The answer `change` tells of, from the answer it was made against; null if it does not fit. */
export function applyAnswerChange(
  kind: PushedRead['kind'],
  before: unknown,
  change: AnswerChange,
): unknown {
  const rows = ROWS[kind];
  const [from, to] = change.keep;
  if (to > rows.length(before) || !rows.joinable(before, change.tail)) return null;
  return rows.join([change.head, rows.slice(before, from, to), change.tail], change.tail);
}
