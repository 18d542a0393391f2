import { describe, expect, it } from 'vitest';
import { deletionEffects } from '../src/downsample/deletion.ts';
import { planRead } from '../src/downsample/read.ts';
import { cellStart, TIER_WIDTHS, tierFor } from '../src/downsample/tiers.ts';

describe('tiers', () => {
  it('rounds cell starts down, negative keys and huge keys exactly', () => {
    expect(cellStart(25, 10)).toBe(20);
    expect(cellStart(20, 10)).toBe(20);
    expect(cellStart(-1, 10)).toBe(-10);
    expect(cellStart(-10, 10)).toBe(-10);
    const huge = Number.MAX_SAFE_INTEGER;
    expect(cellStart(huge, 1e12)).toBe(huge - (huge % 1e12));
    // Widths past 2^53, where (key % width) + width rounds.
    for (const key of [1, huge, huge - 1]) expect(cellStart(key, 2e16)).toBe(0);
    for (const key of [-1, -huge, -huge + 1]) expect(cellStart(key, 2e16)).toBe(-2e16);
    expect(cellStart(-0, 2e16)).toBe(0);
  });

  it('nests every tier in the next one', () => {
    for (const widths of Object.values(TIER_WIDTHS)) {
      for (let tier = 1; tier < widths.length; tier++) {
        expect(widths[tier]! % widths[tier - 1]!).toBe(0);
      }
    }
  });

  it('picks the coarsest tier that tiles an interval, none below the finest', () => {
    expect(tierFor('TSV', 5_000)).toBeUndefined();
    expect(tierFor('TSV', 20_000)).toBe(0);
    expect(tierFor('TSV', 120_000)).toBe(1);
    expect(tierFor('TSV', 30 * 60_000)).toBe(2);
    expect(tierFor('TSV', 12 * 3_600_000)).toBe(3);
    expect(tierFor('TSV', 14 * 86_400_000)).toBe(4);
    expect(tierFor('TSV', 365 * 86_400_000)).toBe(5);
    expect(tierFor('IV', 5)).toBeUndefined();
    expect(tierFor('IV', 50)).toBe(0);
    expect(tierFor('IV', 5e9)).toBe(6);
  });
});

describe('planRead', () => {
  it('takes whole intervals from the tier and the cut ends from the records', () => {
    expect(planRead('IV', 15, 94, 20)).toEqual({
      tier: 0,
      interior: [20, 79],
      edges: [
        [15, 19],
        [80, 94],
      ],
    });
  });

  it('needs no edge where the range starts or ends on an interval boundary', () => {
    expect(planRead('IV', 20, 99, 20)).toEqual({ tier: 0, interior: [20, 99], edges: [] });
    expect(planRead('IV', 20, 94, 20)).toEqual({ tier: 0, interior: [20, 79], edges: [[80, 94]] });
  });

  it('reads a range inside one interval as one edge', () => {
    expect(planRead('IV', 23, 27, 20)).toEqual({ tier: 0, interior: undefined, edges: [[23, 27]] });
    expect(planRead('IV', 20, 27, 20)).toEqual({ tier: 0, interior: undefined, edges: [[20, 27]] });
    expect(planRead('IV', 23, 39, 20)).toEqual({ tier: 0, interior: undefined, edges: [[23, 39]] });
  });

  it('reads everything from the records when no tier tiles the interval', () => {
    expect(planRead('IV', 3, 900, 2)).toEqual({
      tier: undefined,
      interior: undefined,
      edges: [[3, 900]],
    });
  });

  it('handles negative keys', () => {
    expect(planRead('IV', -95, -1, 20)).toEqual({
      tier: 0,
      interior: [-80, -1],
      edges: [[-95, -81]],
    });
    expect(planRead('IV', -95, -2, 20)).toEqual({
      tier: 0,
      interior: [-80, -21],
      edges: [
        [-95, -81],
        [-20, -2],
      ],
    });
  });
});

describe('deletionEffects', () => {
  it('drops the cells a range empties whole and marks the tier-0 cells at its ends', () => {
    const { drop, mark } = deletionEffects('IV', 15, 1_204);
    expect(drop).toEqual(
      [
        { tier: 0, from: 20, to: 1_190 },
        { tier: 1, from: 100, to: 1_100 },
        { tier: 2, from: 1_000, to: 0 },
      ].filter((cells) => cells.from! <= cells.to!),
    );
    expect(mark).toEqual([10, 1_200]);
  });

  it('drops every cell below an open start (a retention trim), marking the cell at its end', () => {
    const { drop, mark } = deletionEffects('IV', undefined, 99);
    expect(drop.slice(0, 3)).toEqual([
      { tier: 0, from: undefined, to: 90 },
      { tier: 1, from: undefined, to: 0 },
      { tier: 2, from: undefined, to: -1_000 },
    ]);
    expect(mark).toEqual([90]);
  });

  it('marks one cell when both ends share it, and drops none it does not empty', () => {
    expect(deletionEffects('IV', 11, 13)).toEqual({ drop: [], mark: [10] });
  });

  it('drops every cell of every tier when both ends are open (a purge)', () => {
    const { drop, mark } = deletionEffects('TSV', undefined, undefined);
    expect(drop).toHaveLength(TIER_WIDTHS.TSV.length);
    expect(mark).toEqual([]);
  });
});
