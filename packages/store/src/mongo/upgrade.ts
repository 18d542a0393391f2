import { TIER_WIDTHS } from '../downsample/tiers.ts';
import { cellStartOf } from './cell-start.ts';
import type { Db } from './connection.ts';
import type { BucketDoc } from './models.ts';

/** Marks that this database's aggregates were built (or begun) for every existing record. */
const UPGRADE_ID = 'aggregates-v1';

/**
 * Records written before the store kept pre-aggregated figures have none, and reads would take
 * their cells for empty: on the first start after the upgrade, every tier-0 cell that holds
 * records of a TSV or IV bucket is marked dirty (upkeep then builds the figures; reads compute
 * those cells from the records meanwhile), and buckets over their retention are noted for
 * upkeep to trim. Idempotent: two processes starting at once, or a start interrupted half way,
 * only repeat it. One pipeline per bucket, run by the server ($merge).
 */
export async function upgradeAggregates({ conn, models }: Db): Promise<void> {
  const upgrades = conn.collection<{ _id: string; at: number }>('upgrades');
  if (await upgrades.findOne({ _id: UPGRADE_ID })) return;
  const { buckets, dashboards, records, retentionBacklog } = models;
  const all = await buckets
    .find({}, { _id: 1, type: 1, recordCount: 1, dashboardId: 1 })
    .lean<Pick<BucketDoc, '_id' | 'type' | 'recordCount' | 'dashboardId'>[]>();
  for (const bucket of all) {
    if (bucket.type !== 'KV') {
      const width = TIER_WIDTHS[bucket.type][0]!;
      const cell = cellStartOf('$k', width);
      await records
        .aggregate([
          { $match: { b: bucket._id } },
          { $group: { _id: cell } },
          {
            $project: {
              _id: 0,
              b: { $literal: bucket._id },
              c: '$_id',
              t: { $literal: 0 },
              ver: { $literal: 1 },
              at: { $literal: 0 },
            },
          },
          {
            $merge: {
              into: 'dirtyCells',
              on: ['b', 'c', 't'],
              whenMatched: 'keepExisting',
              whenNotMatched: 'insert',
            },
          },
        ])
        .allowDiskUse(true);
    }
    const dashboard = await dashboards
      .findById(bucket.dashboardId, { retention: 1 })
      .lean<{ retention: number }>();
    if (dashboard && bucket.recordCount > dashboard.retention) {
      await retentionBacklog.replaceOne({ _id: bucket._id }, { _id: bucket._id }, { upsert: true });
    }
  }
  await upgrades.updateOne({ _id: UPGRADE_ID }, { $set: { at: Date.now() } }, { upsert: true });
}
