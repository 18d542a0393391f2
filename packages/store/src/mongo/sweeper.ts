import type { ClientSession, mongo } from 'mongoose';
import { SWEEP_BATCH } from '../sweep.ts';
import type { Db } from './connection.ts';

/** What the sweeper reads of a bucket's documents. */
type OwnedDoc = { _id: mongo.ObjectId; b: string };

/**
 * Deleting a bucket or a dashboard is mark-then-sweep: one transaction deletes the parent
 * documents (from then on no read finds the bucket, and no write reaches it: a write's
 * transaction updates the bucket document first and conflicts with the deletion) and marks
 * the buckets in `deletedBuckets`; upkeep (Store.maintain) then removes their dirty marks,
 * figures and records in batches, each its own small deletion, and forgets a mark once a
 * step finds nothing of it left. The marks are documents, so a sweep interrupted by a crash
 * or a step-down resumes with the next upkeep step of any process; several processes may
 * sweep at once (a batch deleted twice deletes nothing the second time).
 */
export function mongoSweeper({ models }: Db) {
  const { deletedBuckets, retentionBacklog } = models;
  const collection = (model: { collection: unknown }) =>
    model.collection as unknown as mongo.Collection<OwnedDoc>;
  // Dirty marks first: an upkeep step recomputing a cell of the bucket then finds its mark
  // gone and writes no figures; the records, by far the most, last.
  const owned = [
    collection(models.dirtyCells),
    collection(models.aggregates),
    collection(models.records),
  ];
  const records = owned[2];

  return {
    /** Inside the deleting transaction: marks the buckets and drops their retention backlog. */
    async mark(session: ClientSession, bucketIds: string[]): Promise<void> {
      if (bucketIds.length === 0) return;
      const at = Date.now();
      await deletedBuckets.bulkWrite(
        bucketIds.map((_id) => ({
          updateOne: { filter: { _id }, update: { $setOnInsert: { at } }, upsert: true },
        })),
        { session },
      );
      await retentionBacklog.deleteMany({ _id: { $in: bucketIds } }, { session });
    },

    /** One batch off the first marked bucket; says how many records it removed and whether work remains. */
    async step(): Promise<{ more: boolean; swept: number }> {
      const marked = await deletedBuckets
        .find({}, { _id: 1 })
        .sort({ _id: 1 })
        .limit(2)
        .lean<{ _id: string }[]>();
      const bucketId = marked[0]?._id;
      if (bucketId === undefined) return { more: false, swept: 0 };
      for (const documents of owned) {
        const batch = await documents
          .find({ b: bucketId }, { projection: { _id: 1 } })
          .limit(SWEEP_BATCH)
          .toArray();
        if (batch.length === 0) continue;
        const { deletedCount } = await documents.deleteMany({
          _id: { $in: batch.map((doc) => doc._id) },
        });
        return { more: true, swept: documents === records ? deletedCount : 0 };
      }
      await deletedBuckets.deleteOne({ _id: bucketId });
      return { more: marked.length > 1, swept: 0 };
    },
  };
}

export type MongoSweeper = ReturnType<typeof mongoSweeper>;
