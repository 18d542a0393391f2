import type { mongo } from 'mongoose';
import { TIER_WIDTHS } from '../downsample/tiers.ts';
import { cellStartOf } from './cell-start.ts';
import type { Db } from './connection.ts';
import type { BucketDoc, RecordDoc } from './models.ts';

/** The document that says how far this database's aggregates upgrade has come. */
const UPGRADE_ID = 'aggregates-v1';

/** Records one upgrade step reads: a bounded `$group` + `$merge`, like one upkeep step. */
export const UPGRADE_BATCH = 20_000;

/**
 * Progress, in the `upgrades` collection. `at` is set once every bucket is done (the only
 * field the first version of this upgrade wrote, when it ran to the end before the store
 * opened). Buckets go in id order: those up to `after` are done; in `bucket`, the keys up to
 * `key`.
 */
interface UpgradeDoc {
  _id: string;
  at?: number;
  after?: string;
  bucket?: string;
  key?: number;
}

export interface AggregatesUpgrade {
  /** Does one bounded batch; says whether work remains. Idempotent: processes may race. */
  step(): Promise<boolean>;
  /**
   * Whether reads of this bucket must not trust its pre-aggregated figures yet (the upgrade
   * has not marked its cells): they compute every interval from the records meanwhile.
   */
  pending(bucketId: string): Promise<boolean>;
}

/**
 * Records written before the store kept pre-aggregated figures have none, and reads would take
 * their cells for empty: every tier-0 cell that holds records of a TSV or IV bucket is marked
 * dirty (upkeep then builds the figures), and buckets over their retention are noted for
 * upkeep to trim. It runs in upkeep steps (`maintain`), a batch of UPGRADE_BATCH records at a
 * time, so the store opens and serves at once; progress is saved after each batch, so a
 * restart resumes where it stopped and processes starting together share it (a batch two of
 * them run at once is only repeated: the marks are merged, never duplicated). Until a bucket
 * is done, its downsampled reads come from its records, so they stay exact.
 */
export function aggregatesUpgrade({ conn, models }: Db): AggregatesUpgrade {
  const upgrades = conn.collection<UpgradeDoc>('upgrades');
  const { buckets, dashboards, records, retentionBacklog } = models;
  // Once done it stays done: no more reads of the progress document.
  let done = false;

  async function progress(): Promise<UpgradeDoc | null> {
    if (done) return null;
    const state = await upgrades.findOne({ _id: UPGRADE_ID });
    if (state?.at !== undefined) done = true;
    return state;
  }

  /** Marks the tier-0 cells of the bucket's records with keys in (after, last]. */
  async function markCells(bucket: Pick<BucketDoc, '_id' | 'type'>, after?: number, last?: number) {
    if (bucket.type === 'KV') return;
    const width = TIER_WIDTHS[bucket.type][0]!;
    const k: mongo.FilterOperators<number> = {};
    if (after !== undefined) k.$gt = after;
    if (last !== undefined) k.$lte = last;
    await records
      .aggregate([
        { $match: Object.keys(k).length > 0 ? { b: bucket._id, k } : { b: bucket._id } },
        { $group: { _id: cellStartOf('$k', width) } },
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

  return {
    async step() {
      const state = await progress();
      if (done) return false;
      const [bucket] = await buckets
        .find(state?.after === undefined ? {} : { _id: { $gt: state.after } }, {
          _id: 1,
          type: 1,
          recordCount: 1,
          dashboardId: 1,
        })
        .sort({ _id: 1 })
        .limit(1)
        .lean<Pick<BucketDoc, '_id' | 'type' | 'recordCount' | 'dashboardId'>[]>();
      if (!bucket) {
        await upgrades.updateOne(
          { _id: UPGRADE_ID },
          { $set: { at: Date.now() } },
          { upsert: true },
        );
        done = true;
        return false;
      }
      const after = state?.bucket === bucket._id ? state.key : undefined;
      if (bucket.type !== 'KV') {
        // The batch's last key: the UPGRADE_BATCH-th after `after`, if there are that many.
        const [last] = await records
          .find(after === undefined ? { b: bucket._id } : { b: bucket._id, k: { $gt: after } }, {
            _id: 0,
            k: 1,
          })
          .sort({ k: 1 })
          .skip(UPGRADE_BATCH - 1)
          .limit(1)
          .lean<Pick<RecordDoc, 'k'>[]>();
        const lastKey = last?.k as number | undefined;
        await markCells(bucket, after, lastKey);
        if (lastKey !== undefined) {
          await upgrades.updateOne(
            { _id: UPGRADE_ID },
            { $set: { bucket: bucket._id, key: lastKey } },
            { upsert: true },
          );
          return true;
        }
      }
      const dashboard = await dashboards
        .findById(bucket.dashboardId, { retention: 1 })
        .lean<{ retention: number }>();
      if (dashboard && bucket.recordCount > dashboard.retention) {
        await retentionBacklog.replaceOne(
          { _id: bucket._id },
          { _id: bucket._id },
          { upsert: true },
        );
      }
      await upgrades.updateOne(
        { _id: UPGRADE_ID },
        { $set: { after: bucket._id }, $unset: { bucket: '', key: '' } },
        { upsert: true },
      );
      return true;
    },

    async pending(bucketId) {
      const state = await progress();
      if (done) return false;
      return state?.after === undefined || bucketId > state.after;
    },
  };
}
