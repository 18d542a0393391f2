import { describe, expect, it } from 'vitest';
import { valueTicks } from './ticks.ts';

describe('value axis ticks', () => {
  it('span the values from zero in round steps', () => {
    expect(valueTicks(11, 41)).toEqual({ low: 0, high: 60, ticks: [0, 20, 40, 60] });
    expect(valueTicks(-3, 7)).toEqual({ low: -5, high: 10, ticks: [-5, 0, 5, 10] });
    expect(valueTicks(0.12, 0.3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
    expect(valueTicks(0, 0)).toEqual({ low: 0, high: 1, ticks: [0, 1] });
  });
});
