import type { CellGroup } from './program.ts';
import { addSum, type Sum } from './sum.ts';
import { cellStart } from './tiers.ts';

interface Figures {
  n: number;
  sum: number;
  scaled: boolean;
  min: number;
  max: number;
  last: number;
}

/**
 * Folds records, or stored cell figures, into per-interval groups in one pass, for backends
 * that compute in JavaScript. Input must come in key (or cell) order: then each interval is
 * finished when the next one starts, memory holds one interval at a time, and `last` is simply
 * the latest value seen.
 */
export class GroupFolder {
  readonly groups: CellGroup[] = [];
  private start = Number.NaN;
  private records = 0;
  private figures = new Map<string, Figures>();

  constructor(
    private readonly interval: number,
    /** Series to keep (others are skipped); all when undefined. */
    private readonly only?: ReadonlySet<string>,
  ) {}

  /** One record: its key and its series values as stored (JSON text of an object). */
  addRecord(key: number, valuesJson: string): void {
    this.addValues(key, JSON.parse(valuesJson) as Record<string, number | null>);
  }

  /** One record: its key and its series values (a sealed chunk's, already decoded). */
  addValues(key: number, values: Readonly<Record<string, number | null>>): void {
    this.moveTo(key);
    this.records += 1;
    for (const series in values) {
      const value = values[series];
      if (value === null || value === undefined) continue;
      if (this.only && !this.only.has(series)) continue;
      const figures = this.figures.get(series);
      if (figures === undefined) {
        this.figures.set(series, {
          n: 1,
          sum: value,
          scaled: false,
          min: value,
          max: value,
          last: value,
        });
      } else {
        figures.n += 1;
        const plain = figures.sum + value;
        if (!figures.scaled && Number.isFinite(plain)) figures.sum = plain;
        else addSum(figures, value, false);
        if (value < figures.min) figures.min = value;
        if (value > figures.max) figures.max = value;
        figures.last = value;
      }
    }
  }

  /** A stored cell's record count; its series follow through `addFigures`. */
  addCell(cell: number, records: number): void {
    this.moveTo(cell);
    this.records += records;
  }

  /** One series' stored figures in the cell `addCell` named last (`sum` scaled or not). */
  addFigures(
    series: number,
    n: number,
    sum: number,
    scaled: boolean,
    min: number,
    max: number,
    last: number,
  ): void {
    const name = String(series);
    if (this.only && !this.only.has(name)) return;
    const figures = this.figures.get(name);
    if (figures === undefined) {
      this.figures.set(name, { n, sum, scaled, min, max, last });
    } else {
      figures.n += n;
      addSum(figures, sum, scaled);
      if (min < figures.min) figures.min = min;
      if (max > figures.max) figures.max = max;
      figures.last = last;
    }
  }

  /**
   * Records given as columns (a decoded chunk's), those at indexes [first, end) of `keys`
   * (ascending): per interval their count, then per series its figures over the interval,
   * column by column. A record object per key (what `addValues` takes) cost more than decoding
   * the chunk: a read of 2-minute intervals over 30-minute chunks folds every record this way.
   */
  addColumns(
    keys: readonly number[],
    series: readonly number[],
    values: readonly (readonly (number | null | undefined)[])[],
    first: number,
    end: number,
  ): void {
    for (let from = first; from < end; ) {
      const start = cellStart(keys[from]!, this.interval);
      const next = start + this.interval;
      let until = from + 1;
      // Past 2^53 `next` may round down to `start`: then the interval holds one key at a time.
      while (until < end && keys[until]! < next) until++;
      this.addCell(start, until - from);
      series.forEach((sk, s) => {
        const column = values[s]!;
        const total: Sum = { sum: 0, scaled: false };
        let n = 0;
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        let last = 0;
        for (let i = from; i < until; i++) {
          const value = column[i];
          if (value === null || value === undefined) continue;
          n += 1;
          addSum(total, value, false);
          if (value < min) min = value;
          if (value > max) max = value;
          last = value;
        }
        if (n > 0) this.addFigures(sk, n, total.sum, total.scaled, min, max, last);
      });
      from = until;
    }
  }

  /** Finishes the last interval; returns every group. */
  finish(): CellGroup[] {
    this.flush();
    return this.groups;
  }

  private moveTo(key: number): void {
    const start = cellStart(key, this.interval);
    if (start === this.start) return;
    this.flush();
    this.start = start;
  }

  private flush(): void {
    if (this.records === 0) return;
    const { start } = this;
    this.groups.push({
      start,
      series: 0,
      n: this.records,
      sum: 0,
      scaled: false,
      min: 0,
      max: 0,
      last: 0,
    });
    for (const [series, f] of this.figures) {
      this.groups.push({ start, series: Number(series), ...f });
    }
    this.records = 0;
    this.figures = new Map();
  }
}
