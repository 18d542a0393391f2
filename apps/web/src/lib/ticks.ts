/** Round steps for a value axis: 1, 2 or 5 × 10ⁿ. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

/**
 * A value axis from `min` to `max` in about `count` round steps, always through zero (bars
 * start there): the domain it spans and the tick values.
 */
export function valueTicks(
  min: number,
  max: number,
  count = 4,
): { low: number; high: number; ticks: number[] } {
  const from = Math.min(0, min);
  const to = Math.max(0, max);
  if (from === to) return { low: 0, high: 1, ticks: [0, 1] };
  const step = niceStep(to - from, count);
  const low = Math.floor(from / step) * step;
  const high = Math.ceil(to / step) * step;
  const ticks: number[] = [];
  for (let tick = low; tick <= high + step / 2; tick += step)
    ticks.push(Number(tick.toPrecision(12)));
  return { low, high, ticks };
}
