import type { PipelineStage } from 'mongoose';
import { newId } from '../ids.ts';
import type { BucketStore } from '../roles/tenancy.ts';
import type { Bucket } from '../store.ts';
import { writeActivity } from './activity.ts';
import type { Db } from './connection.ts';
import { type BucketDoc, DASHBOARDS_COLLECTION, LIST_ORDER } from './models.ts';
import { claimDashboard } from './references.ts';
import type { MongoSweeper } from './sweeper.ts';

/** A bucket document joined with the retention of its dashboard. */
type BucketRow = BucketDoc & { dashboard: { retention: number }[] };

export function bucketMethods(db: Db, sweeper: MongoSweeper): BucketStore {
  const { buckets } = db.models;

  /** Buckets with their dashboard's retention, in one round trip (getBucket is on every API call). */
  async function findBuckets(match: PipelineStage.Match['$match']): Promise<Bucket[]> {
    const rows = await buckets.aggregate<BucketRow>([
      { $match: match },
      { $sort: LIST_ORDER },
      {
        $lookup: {
          from: DASHBOARDS_COLLECTION,
          localField: 'dashboardId',
          foreignField: '_id',
          as: 'dashboard',
        },
      },
    ]);
    const found: Bucket[] = [];
    for (const row of rows) {
      // A bucket whose dashboard is gone is being deleted with it.
      const retention = row.dashboard[0]?.retention;
      if (retention !== undefined) found.push(toBucket(row, retention));
    }
    return found;
  }

  return {
    async createBucket(input, activity) {
      const doc: BucketDoc = {
        _id: newId(),
        dashboardId: input.dashboardId,
        name: input.name,
        type: input.type,
        recordCount: 0,
        lastWriteAt: null,
        writeSeq: 0,
        createdAt: Date.now(),
        series: [],
      };
      const { retention } = await db.transaction(async (session) => {
        const dashboard = await claimDashboard(db.models, session, input.dashboardId);
        await buckets.insertOne(doc, { session });
        await writeActivity(
          db.models,
          session,
          activity && { ...activity, target: { ...activity.target, id: doc._id } },
        );
        return dashboard;
      });
      return toBucket(doc, retention);
    },

    async getBucket(id) {
      const [bucket] = await findBuckets({ _id: id });
      return bucket ?? null;
    },

    listBuckets(dashboardId) {
      return findBuckets({ dashboardId });
    },

    async renameBucket(id, name, activity) {
      await db.transaction(async (session) => {
        const { matchedCount } = await buckets.updateOne(
          { _id: id },
          { $set: { name } },
          { session },
        );
        if (matchedCount > 0) await writeActivity(db.models, session, activity);
      });
    },

    async setBucketSeries(id, series, activity) {
      await db.transaction(async (session) => {
        const { matchedCount } = await buckets.updateOne(
          { _id: id },
          { $set: { series } },
          { session },
        );
        if (matchedCount > 0) await writeActivity(db.models, session, activity);
      });
      const [bucket] = await findBuckets({ _id: id });
      return bucket ?? null;
    },

    async deleteBucket(id, activity) {
      // Gone from every read at once; upkeep removes its records in batches (sweeper.ts).
      await db.transaction(async (session) => {
        const { deletedCount } = await buckets.deleteOne({ _id: id }, { session });
        if (deletedCount === 0) return;
        await sweeper.mark(session, [id]);
        await writeActivity(db.models, session, activity);
      });
    },
  };
}

function toBucket(doc: BucketDoc, retention: number): Bucket {
  return {
    id: doc._id,
    dashboardId: doc.dashboardId,
    name: doc.name,
    type: doc.type,
    retention,
    recordCount: doc.recordCount,
    lastWriteAt: doc.lastWriteAt,
    createdAt: doc.createdAt,
    // Buckets created before series descriptions existed have none.
    series: doc.series ?? [],
  };
}
