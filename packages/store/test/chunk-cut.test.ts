import { chooseInterval, TSV_INTERVALS } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import { CHUNK_MAX_RECORDS, CUT_WIDTHS, chunkEnd } from '../src/chunks/cut.ts';
import { cellStart } from '../src/downsample/tiers.ts';

const SECOND = 1_000;
const DAY = 86_400 * SECOND;
const START = Date.UTC(2024, 0, 1, 0, 3, 7);

/** Every chunk boundary of `keys`, cutting from the first key on. */
function cuts(type: 'TSV' | 'IV', keys: number[]): number[] {
  const ends: number[] = [];
  for (let start = 0; start < keys.length; start = chunkEnd(type, keys, start)) {
    ends.push(chunkEnd(type, keys, start));
  }
  return ends;
}

describe('chunk cuts', () => {
  it('cut records a second apart into whole 30 minutes, so 30-minute intervals hold whole chunks', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => START + i * SECOND);
    const ends = cuts('TSV', keys);
    expect(ends.at(-1)).toBe(keys.length);
    let previous = 0;
    for (const end of ends) {
      expect(end - previous).toBeLessThanOrEqual(CHUNK_MAX_RECORDS);
      const first = keys[previous]!;
      const last = keys[end - 1]!;
      expect(cellStart(first, 30 * 60 * SECOND)).toBe(cellStart(last, 30 * 60 * SECOND));
      const interval = chooseInterval('TSV', keys.at(-1)! - keys[0]!, 20);
      expect(interval).toBe(30 * 60 * SECOND);
      expect(cellStart(first, interval)).toBe(cellStart(last, interval));
      previous = end;
    }
    // The first chunk ends at the first 30-minute boundary, the others are whole 30 minutes.
    expect(ends[0]).toBe(1_800 - 187);
    expect(new Set(ends.slice(1, -1).map((end, i) => end - ends[i]!))).toEqual(new Set([1_800]));
  });

  it('cut a millisecond apart at whole seconds', () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => START + i);
    expect(cuts('TSV', keys).slice(0, 3)).toEqual([1_000, 2_000, 3_000]);
  });

  it('put several whole days of a sparse bucket in one chunk, at most the limit', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => START + i * 60 * SECOND);
    const ends = cuts('TSV', keys);
    let previous = 0;
    for (const end of ends.slice(0, -1)) {
      expect(end - previous).toBeLessThanOrEqual(CHUNK_MAX_RECORDS);
      expect(end - previous).toBeGreaterThan(CHUNK_MAX_RECORDS - 1_440);
      // Each chunk ends where a day begins.
      expect(cellStart(keys[end]!, DAY)).toBeGreaterThan(keys[end - 1]!);
      previous = end;
    }
  });

  it('cut IV keys at the ends of the safe integers and dense runs within the limit', () => {
    const keys = [-Number.MAX_SAFE_INTEGER, -5, 0, 7, Number.MAX_SAFE_INTEGER];
    const ends = cuts('IV', keys);
    expect(ends.at(-1)).toBe(keys.length);
    const dense = Array.from({ length: 10_000 }, (_, i) => i - 5_000);
    let previous = 0;
    for (const end of cuts('IV', dense)) {
      expect(end - previous).toBeLessThanOrEqual(CHUNK_MAX_RECORDS);
      expect(end - previous).toBeGreaterThan(0);
      previous = end;
    }
    expect(previous).toBe(dense.length);
  });

  it('use widths that divide the next and every read interval at or above them', () => {
    CUT_WIDTHS.TSV.forEach((width, i) => {
      expect((CUT_WIDTHS.TSV[i + 1] ?? width) % width).toBe(0);
      for (const interval of TSV_INTERVALS) if (interval >= width) expect(interval % width).toBe(0);
    });
    CUT_WIDTHS.IV.forEach((width, i) => {
      expect((CUT_WIDTHS.IV[i + 1] ?? width) % width).toBe(0);
      for (const span of [1e3, 1e9, 1e15]) {
        const interval = chooseInterval('IV', span, 1_000);
        if (interval >= width) expect(interval % width).toBe(0);
      }
    });
  });
});
