import type {
  BucketType,
  DataRecord,
  ReadQuery,
  RecordKey,
  SeriesValues,
} from '@bucketgrid/shared';
import type { ClientSession, mongo } from 'mongoose';
import {
  type Bucket,
  MissingEntity,
  type ReadResult,
  type RecordSelection,
  type Store,
  type WriteMode,
  type WriteResult,
} from '../store.ts';
import type { Db } from './connection.ts';
import { KV_RECORDS, type RecordDoc } from './models.ts';
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
  'upsertRecords' | 'readRecords' | 'deleteRecords' | 'purgeRecords'
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

function retentionOrder(type: BucketType): RetentionOrder {
  return type === 'KV' ? 's' : 'k';
}

/**
 * The records retention looks at. KV records (string keys) also name the condition of the
 * partial `{b, s}` index, which MongoDB uses only for queries that imply its filter.
 */
function retentionFilter(bucket: Bucket): RecordFilter {
  return bucket.type === 'KV' ? { b: bucket.id, ...KV_RECORDS } : { b: bucket.id };
}

export function recordMethods(db: Db): RecordMethods {
  const { buckets, records } = db.models;
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
   * whether matching records may remain. Both `k` and `s` are unique within a bucket (keys
   * by index, sequence numbers by how upsertRecords hands them out), so everything up to the
   * `limit`-th record's value is exactly `limit` records.
   */
  async function deleteFirst(
    session: ClientSession,
    filter: RecordFilter,
    order: RetentionOrder,
    limit: number,
  ): Promise<{ deleted: number; more: boolean }> {
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
    return { deleted: deletedCount, more: last !== undefined };
  }

  /**
   * Brings a bucket whose retention was lowered (a million records over, at worst) back to
   * within one batch of it, a batch per transaction, so the write that follows trims the
   * rest in its own transaction without outgrowing it.
   */
  async function trimBacklog(bucket: Bucket, order: RetentionOrder): Promise<void> {
    for (;;) {
      const more = await db.transaction(async (session) => {
        const state = await buckets
          .findById(bucket.id, { recordCount: 1 })
          .session(session)
          .lean<{ recordCount: number }>();
        const excess = state ? state.recordCount - bucket.retention : 0;
        if (excess <= DELETE_BATCH) return false;
        const batch = await deleteFirst(session, retentionFilter(bucket), order, DELETE_BATCH);
        await adjustCount(session, bucket.id, -batch.deleted);
        return batch.more && excess - batch.deleted > DELETE_BATCH;
      });
      if (!more) return;
    }
  }

  /**
   * Deletes every record that matches, a batch per transaction; returns how many. When the
   * filter selects the whole bucket, the last batch sets the count to 0 outright: in that
   * transaction's snapshot the bucket is empty, and a write that raced it makes it retry.
   */
  async function deleteInBatches(
    bucketId: string,
    filter: RecordFilter,
    wholeBucket: boolean,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await db.transaction(async (session) => {
        const { deleted, more } = await deleteFirst(session, filter, 'k', DELETE_BATCH);
        if (wholeBucket && !more) {
          await buckets.updateOne({ _id: bucketId }, { $set: { recordCount: 0 } }, { session });
        } else {
          await adjustCount(session, bucketId, -deleted);
        }
        return { deleted, more };
      });
      total += batch.deleted;
      if (!batch.more) return total;
    }
  }

  async function upsert(
    bucket: Bucket,
    input: DataRecord[],
    mode: WriteMode,
  ): Promise<WriteResult> {
    if (input.length === 0) return { inserted: 0, updated: 0 };
    const order = retentionOrder(bucket.type);
    const kv = bucket.type === 'KV';
    if (bucket.recordCount - bucket.retention > DELETE_BATCH) await trimBacklog(bucket, order);
    return db.transaction(async (session) => {
      // First write the bucket: it reserves this call's sequence numbers and makes any
      // concurrent write to the bucket conflict with this one (see the invariant above).
      const state = await buckets
        .findOneAndUpdate(
          { _id: bucket.id },
          { $inc: { writeSeq: input.length }, $set: { lastWriteAt: Date.now() } },
          { session, returnDocument: 'after', projection: { writeSeq: 1, recordCount: 1 } },
        )
        .lean<{ writeSeq: number; recordCount: number }>();
      // Deleted since the caller looked it up: its records would never be read or deleted.
      if (!state) throw new MissingEntity('bucket');
      const firstSeq = state.writeSeq - input.length + 1;

      // One ordered bulk write: records with the same key apply in order, the last wins.
      // Straight to the driver: the records are validated already, and casting ten
      // thousand updates through mongoose would cost more than the write itself.
      const operations = input.map(
        (record, i): mongo.AnyBulkWriteOperation<RecordDoc> => ({
          updateOne: {
            filter: { b: bucket.id, k: record.key },
            update: {
              $set: recordUpdate(record.values, mode, kv ? firstSeq + i : undefined),
            },
            upsert: true,
          },
        }),
      );
      const result = await recordCollection.bulkWrite(operations, { session, ordered: true });
      // Each operation either inserted a document or updated one (a key that comes twice
      // in a new record counts once inserted, then once updated).
      const inserted = result.upsertedCount;

      const excess = state.recordCount + inserted - bucket.retention;
      const trimmed =
        excess > 0
          ? (await deleteFirst(session, retentionFilter(bucket), order, excess)).deleted
          : 0;
      await adjustCount(session, bucket.id, inserted - trimmed);
      return { inserted, updated: input.length - inserted };
    });
  }

  async function readRecords(bucket: Bucket, query: ReadQuery): Promise<ReadResult> {
    const k: mongo.FilterOperators<RecordKey> = {};
    if (query.from !== undefined) k.$gte = query.from;
    if (query.to !== undefined) k.$lte = query.to;
    if (query.after !== undefined) k[query.order === 'asc' ? '$gt' : '$lt'] = query.after;
    const filter: RecordFilter = Object.keys(k).length > 0 ? { b: bucket.id, k } : { b: bucket.id };
    // One more than asked for tells whether there is a next page.
    const docs = await records
      .find(filter, { _id: 0, k: 1, v: 1 })
      .sort({ k: query.order === 'asc' ? 1 : -1 })
      .limit(query.limit + 1)
      .lean<Pick<RecordDoc, 'k' | 'v'>[]>();
    const hasMore = docs.length > query.limit;
    if (hasMore) docs.length = query.limit;
    return { records: docs.map(toDataRecord), hasMore };
  }

  async function deleteSelected(bucket: Bucket, selection: RecordSelection): Promise<number> {
    if ('keys' in selection) {
      let deleted = 0;
      for (let i = 0; i < selection.keys.length; i += DELETE_BATCH) {
        const keys = selection.keys.slice(i, i + DELETE_BATCH);
        deleted += await db.transaction(async (session) => {
          const filter = { b: bucket.id, k: { $in: keys } };
          const { deletedCount } = await records.deleteMany(filter, { session });
          await adjustCount(session, bucket.id, -deletedCount);
          return deletedCount;
        });
      }
      return deleted;
    }
    const k: mongo.FilterOperators<RecordKey> = {};
    if (selection.from !== undefined) k.$gte = selection.from;
    if (selection.to !== undefined) k.$lte = selection.to;
    // Neither bound selects every record of the bucket.
    if (Object.keys(k).length === 0) return deleteInBatches(bucket.id, { b: bucket.id }, true);
    return deleteInBatches(bucket.id, { b: bucket.id, k }, false);
  }

  // Changes to one bucket's records queue up in this process instead of racing: in MongoDB
  // they would conflict, and all but one would retry (with backoff) until each got a turn.
  const queue = new PerKeyQueue();
  return {
    upsertRecords: (bucket, input, mode) => queue.run(bucket.id, () => upsert(bucket, input, mode)),
    readRecords,
    deleteRecords: (bucket, selection) =>
      queue.run(bucket.id, () => deleteSelected(bucket, selection)),
    purgeRecords: (bucket) =>
      queue.run(bucket.id, () => deleteInBatches(bucket.id, { b: bucket.id }, true)),
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
