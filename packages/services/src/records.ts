import {
  AppError,
  type DataRecord,
  type Downsampled,
  type DownsampleQuery,
  type DownsampleQueryInput,
  type ProblemDetailItem,
  queryProblem,
  type ReadQuery,
  readDownsampleOf,
  type SeriesSummary,
} from '@bucketgrid/shared';
import {
  type Bucket,
  type BucketRef,
  MissingEntity,
  type ReadResult,
  type RecordForm,
  type RecordSelection,
  type RecordsJson,
  type Store,
  type WriteMode,
  type WriteResult,
} from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from './activity.ts';
import { bucketTarget } from './buckets.ts';
import type { ReadLimits, ReadPrincipal } from './read-limits.ts';

/**
 * Record operations for REST and tRPC alike. The bucket was loaded (and its dashboard
 * checked) by the caller; a bucket deleted in the meantime is reported as not found.
 */

function bucketGone(error: unknown): never {
  if (error instanceof MissingEntity) {
    throw new AppError('bucket_not_found', 'The bucket was deleted.');
  }
  throw error;
}

/** Upserts a validated batch; resolves once it is durable. */
export function writeRecords(
  store: Store,
  bucket: BucketRef,
  records: DataRecord[],
  mode: WriteMode,
): Promise<WriteResult> {
  return store.upsertRecords(bucket, records, mode).catch(bucketGone);
}

/** Who reads, and the limits their reads go through (read-limits.ts). */
export interface Reader {
  limits: ReadLimits;
  principal: ReadPrincipal;
}

/** A page of records, within the reader's read limits. */
export function readRecords(
  store: Store,
  bucket: BucketRef,
  query: ReadQuery,
  reader: Reader,
): Promise<ReadResult> {
  return reader.limits.run(reader.principal, () => store.readRecords(bucket, query));
}

/**
 * readRecords' page as JSON text in the REST API's `form`, serialised off the event loop where
 * the store can (see Store.readRecordsJson): for the REST API, which only sends it on.
 */
export function readRecordsJson(
  store: Store,
  bucket: BucketRef,
  query: ReadQuery,
  form: RecordForm,
  reader: Reader,
): Promise<RecordsJson> {
  return reader.limits.run(reader.principal, () => store.readRecordsJson(bucket, query, form));
}

export function deleteRecords(
  store: Store,
  bucket: BucketRef,
  selection: RecordSelection,
  by?: ChangeAuthor,
): Promise<number> {
  // The range as given, or how many keys: a list of 10,000 keys is no log entry.
  const before = 'keys' in selection ? { keys: selection.keys.length } : selection;
  const note = noteOf(by, bucket.dashboardId, 'records.deleted', bucketTarget(bucket), { before });
  return store.deleteRecords(bucket, selection, note).catch(bucketGone);
}

export function purgeRecords(store: Store, bucket: Bucket, by?: ChangeAuthor): Promise<number> {
  const note = noteOf(by, bucket.dashboardId, 'bucket.purged', bucketTarget(bucket), {
    before: { records: bucket.recordCount },
  });
  return store.purgeRecords(bucket, note).catch(bucketGone);
}

/**
 * A downsampled read, within the reader's read limits; `from`/`to` are checked against the
 * bucket's key type. Its cost is bounded by the store's read budgets (READ_FIGURES_BUDGET,
 * READ_RAW_RECORDS_BUDGET in @bucketgrid/shared): past them the answer says `coarsened`.
 */
export function downsampleRecords(
  store: Store,
  bucket: BucketRef,
  input: DownsampleQueryInput,
  reader: Reader,
): Promise<Downsampled> {
  const query = resolveDownsampleQuery(bucket, input);
  return reader.limits.run(reader.principal, () => store.downsampleRecords(bucket, query));
}

/**
 * downsampleRecords' answer as JSON text, serialised off the event loop where the store can
 * (see Store.downsampleRecordsJson): for the REST API, which only sends it on.
 */
export function downsampleRecordsJson(
  store: Store,
  bucket: BucketRef,
  input: DownsampleQueryInput,
  reader: Reader,
): Promise<Buffer> {
  const query = resolveDownsampleQuery(bucket, input);
  return reader.limits.run(reader.principal, () => store.downsampleRecordsJson(bucket, query));
}

/** Which series the bucket's data holds, with their values: a bounded read, for pickers. */
export function seriesSummary(
  store: Store,
  bucket: BucketRef,
  reader: Reader,
): Promise<SeriesSummary> {
  return reader.limits.run(reader.principal, () => store.seriesSummary(bucket));
}

function resolveDownsampleQuery(bucket: BucketRef, input: DownsampleQueryInput): DownsampleQuery {
  const problems: ProblemDetailItem[] = [];
  const query = readDownsampleOf(bucket, input, problems);
  if (problems.length > 0) throw queryProblem(problems);
  return query;
}
