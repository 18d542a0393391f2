/*
 * Sums of values near ±1.8e308 overflow float64: two values of 1e308 already do. A sum is
 * therefore kept as it is while it is finite (ordinary data keeps its exact float sum), and
 * from the moment it would overflow as Σ v·2^-64, `scaled` (docs/storage.md, "Sums that
 * overflow"). Scaling by a power of two is exact for every value down to 2^-958; what falls
 * below that is lost in the scaled sum, but next to a sum that passed 2^1024 such values are
 * below the sum's own rounding. A count below 2^64 cannot overflow the scaled sum.
 */

/** What a scaled sum is multiplied by: the true sum is `sum / SUM_SCALE`. */
export const SUM_SCALE = 2 ** -64;

/** A sum: plain, or scaled by SUM_SCALE once the plain one overflowed. */
export interface Sum {
  sum: number;
  scaled: boolean;
}

/** Adds `sum` (scaled or not) to `into`, scaling `into` once the plain sum would overflow. */
export function addSum(into: Sum, sum: number, scaled: boolean): void {
  if (!into.scaled && !scaled) {
    const plain = into.sum + sum;
    if (Number.isFinite(plain)) {
      into.sum = plain;
      return;
    }
  }
  into.sum = (into.scaled ? into.sum : into.sum * SUM_SCALE) + (scaled ? sum : sum * SUM_SCALE);
  into.scaled = true;
}

/**
 * The mean of `n` values summing to `sum`. A scaled sum is divided by `n` before it is scaled
 * back, so nothing overflows but a mean that rounds past ±MAX_VALUE: the mean lies in
 * [min, max], which bounds it. (A sum stored non-finite by a version before scaling stays so.)
 */
export function average(sum: number, scaled: boolean, n: number, min: number, max: number): number {
  if (!scaled || !Number.isFinite(sum)) return sum / n;
  return Math.min(max, Math.max(min, sum / n / SUM_SCALE));
}
