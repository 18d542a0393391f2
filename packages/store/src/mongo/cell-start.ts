/**
 * The start of the cell (or interval) of `width` holding the number in `field`, as an
 * aggregation expression: floor(field / width) × width, for negative values too ($mod keeps
 * the dividend's sign). The same arithmetic as `cellStart` (../downsample/tiers.ts):
 * `field - rest` is exact, and a negative rest goes one whole `width` further down, where
 * `rest + width` would round once `width` passes 2^53.
 */
export function cellStartOf(field: string, width: number) {
  return {
    $let: {
      vars: { rest: { $mod: [field, width] } },
      in: {
        $cond: [
          { $lt: ['$$rest', 0] },
          { $subtract: [{ $subtract: [field, '$$rest'] }, width] },
          { $subtract: [field, '$$rest'] },
        ],
      },
    },
  };
}
