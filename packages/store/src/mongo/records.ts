import type {
  BucketType,
  DataRecord,
  ReadQuery,
  RecordKey,
  SeriesValues,
} from '@bucketgrid/shared';
import type { ClientSession, mongo } from 'mongoose';
import { pageOf } from '../read-page.ts';
import { recordsAsJson, withBuffer } from '../records-json.ts';
import {
  type Activity,
  type BucketRef,
  type MaintainResult,
  MissingEntity,
  type ReadResult,
  type RecordSelection,
  type Store,
  type WriteMode,
  type WriteResult,
} from '../store.ts';
import { writeActivity } from './activity.ts';
import type { AggregateHooks } from './aggregates.ts';
import type { Db } from './connection.ts';
import { type BucketDoc, KV_RECORDS, type RecordDoc } from './models.ts';
import { PerKeyQueue } from './per-key-queue.ts';

/*
 * Invariant: every change to a bucket's records runs in a transaction that also writes the
 * bucket's document, adjusting its `recordCount` by exactly what changed. Two such
 * transactions on one bucket therefore conflict, and MongoDB lets one of them retry
 * (`Db.transaction`), so writes to a bucket are serialised, across processes too, and
 * `recordCount` stays exact without ever counting documents.
 */

type RecordMethods = Pick<
  Store,
  'upsertRecords' | 'readRecords' | 'readRecordsJson' | 'deleteRecords' | 'purgeRecords'
>;

// Required: mongoose types the model from its schema, where `s` is a plain (if absent) path.
type RecordFilter = mongo.Filter<Required<RecordDoc>>;

/**
 * The most records one transaction deletes. MongoDB aborts transactions that run longer
 * than 60 s (by default) and holds all their changes in cache, so a deletion that can reach
 * a million records goes in batches of this size, each one its own transaction.
 */
const DELETE_BATCH = 10_000;

/** Which records go first past retention: smallest keys (TSV, IV) or least recently written (KV). */
type RetentionOrder = 'k' | 's';

/** Records one upkeep step trims off a bucket left over its retention. */
const TRIM_BATCH = 5_000;

export function recordMethods(
  db: Db,
  aggregates: AggregateHooks,
): RecordMethods & {
  /** Upkeep: trims a batch off a bucket left over its retention; says whether any remain. */
  trimRetentionBacklog(): Promise<Omit<MaintainResult, 'swept'>>;
} {
  const { buckets, dashboards, records, retentionBacklog } = db.models;
  // The driver's collection, typed: mongoose types its collections as holding any document.
  const recordCollection = records.collection as unknown as mongo.Collection<RecordDoc>;

  /** Adds `delta` to the bucket's record count, in the transaction of the change it counts. */
  async function adjustCount(session: ClientSession, bucketId: string, delta: number) {
    if (delta !== 0) {
      await buckets.updateOne({ _id: bucketId }, { $inc: { recordCount: delta } }, { session });
    }
  }

  /**
   * Deletes up to `limit` records that match `filter`, smallest `order` first, and says
   * whether matching records may remain, and (ordered by key) the last key it deleted. Both
   * `k` and `s` are unique within a bucket (keys by index, sequence numbers by how
   * upsertRecords hands them out), so everything up to the `limit`-th record's value is
   * exactly `limit` records.
   */
  async function deleteFirst(
    session: ClientSession,
    filter: RecordFilter,
    order: RetentionOrder,
    limit: number,
  ): Promise<{ deleted: number; more: boolean; lastKey: RecordKey | undefined }> {
    const [last] = await records
      .find(filter, { _id: 0, [order]: 1 })
      .sort({ [order]: 1 })
      .skip(limit - 1)
      .limit(1)
      .session(session)
      .lean<Pick<RecordDoc, 'k' | 's'>[]>();
    const upTo =
      last === undefined ? filter : { $and: [filter, { [order]: { $lte: last[order] } }] };
    const { deletedCount } = await records.deleteMany(upTo, { session });
    return { deleted: deletedCount, more: last !== undefined, lastKey: last?.k };
  }

  /**
   * Retention: deletes the `excess` first records of the bucket (smallest keys, or least
   * recently written for KV), adjusts its count, and updates the aggregates.
   */
  async function trim(session: ClientSession, bucketId: string, type: BucketType, excess: number) {
    if (type === 'KV') {
      // KV records also name the condition of the partial `{b, s}` index, which MongoDB uses
      // only for queries that imply its filter.
      const kvRecords: RecordFilter = { b: bucketId, ...KV_RECORDS };
      const { deleted } = await deleteFirst(session, kvRecords, 's', excess);
      await adjustCount(session, bucketId, -deleted);
      return;
    }
    const [first] = await records
      .find({ b: bucketId }, { _id: 0, k: 1 })
      .sort({ k: 1 })
      .limit(1)
      .session(session)
      .lean<Pick<RecordDoc, 'k'>[]>();
    const { deleted, lastKey } = await deleteFirst(session, { b: bucketId }, 'k', excess);
    await adjustCount(session, bucketId, -deleted);
    if (deleted > 0) {
      await aggregates.deleted(session, bucketId, type, first?.k as number, lastKey as number);
    }
  }

  /**
   * Deletes every record that matches, a batch per transaction; returns how many. When the
   * selection is the whole bucket, the last batch sets the count to 0 outright: in that
   * transaction's snapshot the bucket is empty, and a write that raced it makes it retry.
   * Each batch updates the aggregates for what it deleted: all keys from `from` up to its
   * last (up to `to` for the last batch).
   */
  async function deleteInBatches(
    bucket: BucketRef,
    selection: { from?: RecordKey; to?: RecordKey },
    activity: Activity | undefined,
  ): Promise<number> {
    const k: mongo.FilterOperators<RecordKey> = {};
    if (selection.from !== undefined) k.$gte = selection.from;
    if (selection.to !== undefined) k.$lte = selection.to;
    const wholeBucket = Object.keys(k).length === 0;
    const filter: RecordFilter = wholeBucket ? { b: bucket.id } : { b: bucket.id, k };
    let total = 0;
    for (;;) {
      const batch = await db.transaction(async (session) => {
        const { deleted, more, lastKey } = await deleteFirst(session, filter, 'k', DELETE_BATCH);
        if (wholeBucket && !more) {
          await buckets.updateOne({ _id: bucket.id }, { $set: { recordCount: 0 } }, { session });
        } else {
          await adjustCount(session, bucket.id, -deleted);
        }
        if (deleted > 0 && bucket.type !== 'KV') {
          const to = more ? lastKey : selection.to;
          await aggregates.deleted(
            session,
            bucket.id,
            bucket.type,
            selection.from as number | undefined,
            to as number | undefined,
          );
        }
        // The entry goes with the last batch, which completes the deletion it notes.
        if (!more) {
          const after = { deleted: total + deleted };
          await writeActivity(db.models, session, activity && { ...activity, after });
        }
        return { deleted, more };
      });
      total += batch.deleted;
      if (!batch.more) return total;
    }
  }

  async function upsert(
    bucket: BucketRef,
    input: DataRecord[],
    mode: WriteMode,
  ): Promise<WriteResult> {
    if (input.length === 0) return { inserted: 0, updated: 0 };
    return db.transaction(async (session) => {
      // First write the bucket: it reserves this call's sequence numbers and makes any
      // concurrent write to the bucket conflict with this one (see the invariant above).
      const state = await buckets
        .findOneAndUpdate(
          { _id: bucket.id },
          { $inc: { writeSeq: input.length }, $set: { lastWriteAt: Date.now() } },
          {
            session,
            returnDocument: 'after',
            projection: { writeSeq: 1, recordCount: 1, retention: 1 },
          },
        )
        .lean<Pick<BucketDoc, 'writeSeq' | 'recordCount' | 'retention'>>();
      // Deleted since the caller looked it up: its records would never be read or deleted.
      if (!state) throw new MissingEntity('bucket');
      // The retention as of this transaction, not as the caller read it before: a change
      // committed meanwhile wrote this bucket's document, so this write either sees it or
      // conflicts with it and is retried.
      const retention =
        state.retention ??
        (
          await dashboards
            .findById(bucket.dashboardId, { retention: 1 })
            .session(session)
            .lean<{ retention: number }>()
        )?.retention ??
        bucket.retention;
      const firstSeq = state.writeSeq - input.length + 1;

      // One ordered bulk write: records with the same key apply in order, the last wins.
      // Straight to the driver: the records are validated already, and casting ten
      // thousand updates through mongoose would cost more than the write itself.
      const operations = input.map(
        (record, i): mongo.AnyBulkWriteOperation<RecordDoc> => ({
          updateOne: {
            filter: { b: bucket.id, k: record.key },
            update: {
              $set: recordUpdate(
                record.values,
                mode,
                bucket.type === 'KV' ? firstSeq + i : undefined,
              ),
            },
            upsert: true,
          },
        }),
      );
      const result = await recordCollection.bulkWrite(operations, { session, ordered: true });
      // Each operation either inserted a document or updated one (a key that comes twice
      // in a new record counts once inserted, then once updated).
      const inserted = result.upsertedCount;
      await adjustCount(session, bucket.id, inserted);
      if (bucket.type !== 'KV') {
        await aggregates.written(
          session,
          bucket.id,
          bucket.type,
          input.map((record) => record.key),
        );
      }

      // A write trims at most what it added; a larger excess (the retention was lowered) is
      // upkeep's to trim in batches, never inside someone's write.
      const excess = state.recordCount + inserted - retention;
      if (excess > 0 && inserted > 0) {
        await trim(session, bucket.id, bucket.type, Math.min(excess, inserted));
      }
      if (excess > inserted) {
        await retentionBacklog.replaceOne(
          { _id: bucket.id },
          { _id: bucket.id },
          { session, upsert: true },
        );
      }
      return { inserted, updated: input.length - inserted };
    });
  }

  async function readRecords(bucket: BucketRef, query: ReadQuery): Promise<ReadResult> {
    const k: mongo.FilterOperators<RecordKey> = {};
    if (query.from !== undefined) k.$gte = query.from;
    if (query.to !== undefined) k.$lte = query.to;
    if (query.after !== undefined) k[query.order === 'asc' ? '$gt' : '$lt'] = query.after;
    const filter: RecordFilter = Object.keys(k).length > 0 ? { b: bucket.id, k } : { b: bucket.id };
    // One more than asked for tells whether there is a next page. A deleted bucket's
    // records may wait for the sweeper: they are no longer its to show.
    const [exists, docs] = await Promise.all([
      buckets.exists({ _id: bucket.id }).maxTimeMS(db.readTimeMs),
      records
        .find(filter, { _id: 0, k: 1, v: 1 })
        .sort({ k: query.order === 'asc' ? 1 : -1 })
        .limit(query.limit + 1)
        .maxTimeMS(db.readTimeMs)
        .lean<Pick<RecordDoc, 'k' | 'v'>[]>(),
    ]);
    if (!exists) return { records: [], hasMore: false };
    return pageOf(docs.map(toDataRecord), query.limit);
  }

  async function deleteSelected(
    bucket: BucketRef,
    selection: RecordSelection,
    activity: Activity | undefined,
  ): Promise<number> {
    if (!('keys' in selection)) return deleteInBatches(bucket, selection, activity);
    let deleted = 0;
    for (let i = 0; i < selection.keys.length; i += DELETE_BATCH) {
      const keys = selection.keys.slice(i, i + DELETE_BATCH);
      const last = i + DELETE_BATCH >= selection.keys.length;
      deleted += await db.transaction(async (session) => {
        const filter = { b: bucket.id, k: { $in: keys } };
        const { deletedCount } = await records.deleteMany(filter, { session });
        await adjustCount(session, bucket.id, -deletedCount);
        if (bucket.type !== 'KV') await aggregates.written(session, bucket.id, bucket.type, keys);
        if (last) {
          const after = { deleted: deleted + deletedCount };
          await writeActivity(db.models, session, activity && { ...activity, after });
        }
        return deletedCount;
      });
    }
    return deleted;
  }

  /** One batch off the first bucket in the backlog (see `trimRetentionBacklog`). */
  async function trimBacklogBatch(
    bucketId: string,
  ): Promise<{ more: boolean; trimmed: MaintainResult['trimmed'] }> {
    return db.transaction(async (session) => {
      const bucket = await buckets
        .findById(bucketId, { type: 1, recordCount: 1, dashboardId: 1 })
        .session(session)
        .lean<Pick<BucketDoc, 'type' | 'recordCount' | 'dashboardId'>>();
      const dashboard =
        bucket &&
        (await dashboards
          .findById(bucket.dashboardId, { retention: 1 })
          .session(session)
          .lean<{ retention: number }>());
      const excess = bucket && dashboard ? bucket.recordCount - dashboard.retention : 0;
      const trimmed: MaintainResult['trimmed'] = [];
      if (excess > 0) {
        await trim(session, bucketId, bucket!.type, Math.min(excess, TRIM_BATCH));
        trimmed.push({ bucketId, dashboardId: bucket!.dashboardId });
      }
      if (excess <= TRIM_BATCH) await retentionBacklog.deleteOne({ _id: bucketId }, { session });
      return { more: excess > TRIM_BATCH, trimmed };
    });
  }

  // Changes to one bucket's records queue up in this process instead of racing: in MongoDB
  // they would conflict, and all but one would retry (with backoff) until each got a turn.
  const queue = new PerKeyQueue();
  return {
    upsertRecords: (bucket, input, mode) => queue.run(bucket.id, () => upsert(bucket, input, mode)),
    readRecords,
    // No thread to hand it from: the same page, serialised here.
    readRecordsJson: async (bucket, query, form) =>
      withBuffer(recordsAsJson(await readRecords(bucket, query), form)),
    deleteRecords: (bucket, selection, activity) =>
      queue.run(bucket.id, () => deleteSelected(bucket, selection, activity)),
    purgeRecords: (bucket, activity) =>
      queue.run(bucket.id, () => deleteInBatches(bucket, {}, activity)),

    async trimRetentionBacklog() {
      const next = await retentionBacklog.find({}, { _id: 1 }).limit(2).lean<{ _id: string }[]>();
      const first = next[0];
      if (first === undefined) return { more: false, trimmed: [] };
      const batch = await queue.run(first._id, () => trimBacklogBatch(first._id));
      return { more: batch.more || next.length > 1, trimmed: batch.trimmed };
    },
  };
}

/**
 * `merge` sets only the series the record names (`v.<seriesKey>`), so the others stay;
 * `replace` sets `v` as a whole. A KV record also takes its write sequence number `s` (only
 * KV retention reads it; other records neither store nor index one).
 */
function recordUpdate(
  values: SeriesValues,
  mode: 'merge' | 'replace',
  seq: number | undefined,
): Record<string, unknown> {
  const set: Record<string, unknown> = mode === 'replace' ? { v: { ...values } } : {};
  if (seq !== undefined) set.s = seq;
  if (mode === 'merge') {
    for (const [seriesKey, value] of Object.entries(values)) set[`v.${seriesKey}`] = value;
  }
  return set;
}
/** Series keys come back as field names ("1"); as object keys they are the same thing. */
export function toDataRecord(doc: Pick<RecordDoc, 'k' | 'v'>): DataRecord {
  const values: SeriesValues = {};
  for (const [seriesKey, value] of Object.entries(doc.v)) values[Number(seriesKey)] = value;
  return { key: doc.k, values };
}
