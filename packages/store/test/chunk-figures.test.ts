import { describe, expect, it } from 'vitest';
import { columnsFromRecords } from '../src/chunks/codec.ts';
import { chunkFigures, FIGURES_BYTES, readFigures } from '../src/chunks/figures.ts';
import { GroupFolder } from '../src/downsample/fold.ts';
import { average, SUM_SCALE } from '../src/downsample/sum.ts';

describe('chunk figures', () => {
  it('are the figures the record fold computes, in the aggregates blob layout', () => {
    const records = Array.from({ length: 500 }, (_, i) => {
      const values: Record<number, number | null> = { 1: Math.sin(i) * 10, 9: i % 7 };
      if (i % 3 === 0) values[4] = i % 2 === 0 ? null : -i;
      if (i > 400) values[9] = null;
      return { key: 1_000 + i, values };
    });
    records.push({ key: 2_000, values: { 1: 5, 9: null } });
    records.push({ key: 2_001, values: { 77: null } as Record<number, number | null> });
    const blob = chunkFigures(columnsFromRecords(records));

    const folder = new GroupFolder(1_000_000);
    for (const { key, values } of records) folder.addRecord(key, JSON.stringify(values));
    const expected = folder
      .finish()
      .filter((group) => group.series !== 0)
      .map((g) => [g.series, g.n, g.sum, g.min, g.max, g.last])
      .sort((a, b) => a[0]! - b[0]!);

    const actual: number[][] = [];
    for (let at = 0; at < blob.length; at += FIGURES_BYTES) {
      actual.push(Array.from({ length: 6 }, (_, i) => blob.readDoubleLE(at + i * 8)));
    }
    // Series 77 has only nulls: no figures, as a cell would have none.
    expect(actual.map((row) => row[0])).toEqual([1, 4, 9]);
    expect(actual).toEqual(expected);
  });

  it('keep a sum that overflows scaled, marked by a negative count, old blobs unscaled', () => {
    const MAX = Number.MAX_VALUE;
    const values = [1.7e308, MAX, -MAX, 1.6e308, 2, null];
    const records = values.map((v, i) => ({ key: i, values: { 3: v, 5: i } }));
    const blob = chunkFigures(columnsFromRecords(records));
    expect(blob.readDoubleLE(8)).toBe(-5);
    const [big, small] = [...readFigures(blob)];
    expect(big).toMatchObject({ series: 3, n: 5, scaled: true, min: -MAX, max: MAX, last: 2 });
    expect(big!.sum / SUM_SCALE).toBe(Number.POSITIVE_INFINITY);
    const mean = average(big!.sum, big!.scaled, big!.n, big!.min, big!.max);
    expect(mean / (1.7e308 / 5 + 1.6e308 / 5) - 1).toBeCloseTo(0, 14);
    expect(small).toMatchObject({ series: 5, n: 6, sum: 15, scaled: false });
  });
});
