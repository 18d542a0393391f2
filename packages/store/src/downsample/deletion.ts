import { type AggregatedType, cellStart, TIER_WIDTHS } from './tiers.ts';

/** What a deletion of the keys in [from, to] (either end open when undefined) does to aggregates. */
export interface DeletionEffects {
  /** Per tier, the starts of the cells it emptied whole: their figures go (ends open when undefined). */
  drop: { tier: number; from?: number; to?: number }[];
  /**
   * Tier-0 cells holding an end of the range: they may keep some records, so they are marked
   * dirty, and upkeep recomputes them and every cell above them, which are exactly the cells of
   * every tier that the range cuts.
   */
  mark: number[];
}

export function deletionEffects(
  type: AggregatedType,
  from: number | undefined,
  to: number | undefined,
): DeletionEffects {
  const widths = TIER_WIDTHS[type];
  const drop: DeletionEffects['drop'] = [];
  widths.forEach((width, tier) => {
    // The first and the last cell lying wholly inside the range.
    let lo = from === undefined ? undefined : cellStart(from, width);
    if (lo !== undefined && lo !== from) lo += width;
    let hi = to === undefined ? undefined : cellStart(to, width);
    if (hi !== undefined && to! - hi !== width - 1) hi -= width;
    if (lo === undefined || hi === undefined || lo <= hi) drop.push({ tier, from: lo, to: hi });
  });
  const mark: number[] = [];
  if (from !== undefined) mark.push(cellStart(from, widths[0]!));
  if (to !== undefined && (from === undefined || cellStart(to, widths[0]!) !== mark[0])) {
    mark.push(cellStart(to, widths[0]!));
  }
  return { drop, mark };
}
