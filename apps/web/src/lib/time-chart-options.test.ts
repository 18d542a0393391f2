import { describe, expect, it } from 'vitest';
import { isolatedIndices } from './time-chart-options.ts';

describe('isolated values', () => {
  it('are the values with a gap or nothing on both sides', () => {
    expect(isolatedIndices([5])).toEqual([0]);
    expect(isolatedIndices([5, null, 6, 7, null, 8])).toEqual([0, 5]);
    expect(isolatedIndices([null, 1, null, 2, 3])).toEqual([1]);
  });

  it('look past a series that has no value in an interval', () => {
    expect(isolatedIndices([1, undefined, 2])).toEqual([]);
    expect(isolatedIndices([null, undefined, 4, undefined, null])).toEqual([2]);
  });
});
