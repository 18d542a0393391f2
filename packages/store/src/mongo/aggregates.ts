import type { RecordKey } from '@bucketgrid/shared';
import type { ClientSession, mongo } from 'mongoose';
import { deletionEffects } from '../downsample/deletion.ts';
import { type AggregatedType, cellStart, TIER_WIDTHS } from '../downsample/tiers.ts';
import type { Db } from './connection.ts';
import type { AggregateDoc, DirtyCellDoc } from './models.ts';

/**
 * What record changes do to the pre-aggregated figures (see ../downsample/), inside the
 * transaction of the change: writes mark the tier-0 cells they touch dirty; deletions drop the
 * figures of the cells they empty whole and mark the cells at their ends. Marking a cell
 * raises its version, so an upkeep that recomputed it concurrently does not clear the mark.
 */
export function aggregateHooks({ models }: Db) {
  const { aggregates, dirtyCells } = models;
  const dirtyCollection = dirtyCells.collection as unknown as mongo.Collection<DirtyCellDoc>;
  const aggregateCollection = aggregates.collection as unknown as mongo.Collection<AggregateDoc>;

  async function mark(session: ClientSession, bucketId: string, tier: number, cells: number[]) {
    if (cells.length === 0) return;
    const update = { $inc: { ver: 1 }, $set: { at: Date.now() } };
    await dirtyCollection.bulkWrite(
      cells.map((c) => ({
        updateOne: { filter: { b: bucketId, c, t: tier }, update, upsert: true },
      })),
      { session, ordered: false },
    );
  }

  return {
    mark,

    /** Marks the tier-0 cells holding `keys` dirty. */
    async written(
      session: ClientSession,
      bucketId: string,
      type: AggregatedType,
      keys: readonly RecordKey[],
    ): Promise<void> {
      const width = TIER_WIDTHS[type][0]!;
      const cells = new Set<number>();
      for (const key of keys) cells.add(cellStart(key as number, width));
      await mark(session, bucketId, 0, [...cells]);
    },

    /** After the records with keys in [from, to] (ends open when undefined) were deleted. */
    async deleted(
      session: ClientSession,
      bucketId: string,
      type: AggregatedType,
      from: number | undefined,
      to: number | undefined,
    ): Promise<void> {
      const effects = deletionEffects(type, from, to);
      if (effects.drop.length > 0) {
        await aggregateCollection.deleteMany(
          {
            b: bucketId,
            $or: effects.drop.map(({ tier, from: lo, to: hi }) => {
              const c: mongo.FilterOperators<number> = {};
              if (lo !== undefined) c.$gte = lo;
              if (hi !== undefined) c.$lte = hi;
              return Object.keys(c).length > 0 ? { t: tier, c } : { t: tier };
            }),
          },
          { session },
        );
      }
      await mark(session, bucketId, 0, effects.mark);
    },
  };
}

export type AggregateHooks = ReturnType<typeof aggregateHooks>;
