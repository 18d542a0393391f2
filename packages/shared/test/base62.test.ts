import { expect, it } from 'vitest';
import { randomBase62, toBase62 } from '../src/base62.ts';

it('draws every base62 character about equally often', () => {
  const counts = new Map<string, number>();
  for (const char of randomBase62(62_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
  expect(counts.size).toBe(62);
  // 1,000 expected per character; a biased modulo (256 % 62) would skew the first 8 by ~30 %.
  for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(200);
});

it('writes integers in base62, zero-padded', () => {
  expect(toBase62(0, 6)).toBe('000000');
  expect(toBase62(61, 1)).toBe('z');
  expect(toBase62(62, 1)).toBe('10');
  expect(toBase62(2 ** 32 - 1, 6)).toBe('4gfFC3');
});
