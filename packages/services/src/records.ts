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
} from '@bucketgrid/shared';
import {
  type Bucket,
  MissingEntity,
  type ReadResult,
  type RecordSelection,
  type Store,
  type WriteMode,
  type WriteResult,
} from '@bucketgrid/store';

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
  bucket: Bucket,
  records: DataRecord[],
  mode: WriteMode,
): Promise<WriteResult> {
  return store.upsertRecords(bucket, records, mode).catch(bucketGone);
}

export function readRecords(store: Store, bucket: Bucket, query: ReadQuery): Promise<ReadResult> {
  return store.readRecords(bucket, query);
}

export function deleteRecords(
  store: Store,
  bucket: Bucket,
  selection: RecordSelection,
): Promise<number> {
  return store.deleteRecords(bucket, selection).catch(bucketGone);
}

export function purgeRecords(store: Store, bucket: Bucket): Promise<number> {
  return store.purgeRecords(bucket).catch(bucketGone);
}

/** A downsampled read; `from`/`to` are checked against the bucket's key type. */
export function downsampleRecords(
  store: Store,
  bucket: Bucket,
  input: DownsampleQueryInput,
): Promise<Downsampled> {
  return store.downsampleRecords(bucket, resolveDownsampleQuery(bucket, input));
}

function resolveDownsampleQuery(bucket: Bucket, input: DownsampleQueryInput): DownsampleQuery {
  const problems: ProblemDetailItem[] = [];
  const query = readDownsampleOf(bucket, input, problems);
  if (problems.length > 0) throw queryProblem(problems);
  return query;
}
