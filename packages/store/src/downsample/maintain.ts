import { ask, type Program, type RecomputedCell } from './program.ts';
import { cellStart, TIER_COUNT, TIER_WIDTHS } from './tiers.ts';

/**
 * How much one upkeep step may read: records (tier 0) plus stored rows (higher tiers). About
 * 1.5 µs each on SQLite, so a step blocks its process for some 10 ms at most (plus one cell:
 * a step always finishes the cell it started).
 */
export const STEP_BUDGET = 6_000;

/** Dirty cells taken per tier and step. */
const CELLS_PER_TIER = 256;

/**
 * Cells a write marked within this many ms wait: they are likely still being written (the
 * newest cell of a live bucket, the oldest one while retention trims it), and recomputing a
 * cell on every step while it fills would read its records over and over.
 */
export const SETTLE_MS = 2_000;

/**
 * One bounded step of aggregate upkeep: recomputes dirty cells tier by tier, finest first —
 * tier 0 from the records, each higher tier from the cells of the tier below — so the parents
 * a step marks are recomputed in the same step. Says whether settled dirty cells may remain.
 */
export function* maintainProgram(now: number, budget = STEP_BUDGET): Program<{ more: boolean }> {
  const markedBefore = now - SETTLE_MS;
  let spent = 0;
  let more = false;
  for (let tier = 0; tier < TIER_COUNT; tier++) {
    if (spent >= budget) return { more: true };
    const marks = yield* ask('takeDirty', { tier, limit: CELLS_PER_TIER, markedBefore });
    if (marks.length === CELLS_PER_TIER) more = true;
    const cells: RecomputedCell[] = [];
    for (const mark of marks) {
      if (spent >= budget) {
        more = true;
        break;
      }
      const widths = TIER_WIDTHS[mark.type];
      const width = widths[tier]!;
      const end = mark.cell + width - 1;
      const groups =
        tier === 0
          ? yield* ask('groupRaw', {
              bucket: mark.bucket,
              ranges: [[mark.cell, end]],
              interval: width,
            })
          : yield* ask('groupTier', {
              bucket: mark.bucket,
              tier: tier - 1,
              from: mark.cell,
              to: end,
              interval: width,
            });
      // Tier 0 read the cell's records; a higher tier up to (width / child width) rows per group.
      const count = groups.find((group) => group.series === 0)?.n ?? 0;
      spent += 1 + (tier === 0 ? count : groups.length * (width / widths[tier - 1]!));
      const next = widths[tier + 1];
      cells.push({
        mark,
        groups,
        parent: next === undefined ? undefined : cellStart(mark.cell, next),
      });
    }
    if (cells.length > 0 && (yield* ask('writeCells', { tier, cells })) < cells.length) {
      more = true;
    }
  }
  return { more };
}
