import {
  AppError,
  type DataRecord,
  type Downsampled,
  type DownsampleQuery,
  type DownsampleQueryInput,
  downsampleQueryInput,
  KeyError,
  type ProblemDetailItem,
  parseKeyParam,
  type ReadQuery,
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
  const parsed = downsampleQueryInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError('invalid_query', 'The downsampling query is not valid.', {
      errors: parsed.error.issues.map((issue) => ({
        pointer: `/${issue.path.join('/')}`,
        detail: issue.message,
      })),
    });
  }
  const { from, to, points, series } = parsed.data;
  const query: DownsampleQuery = { points };
  if (series) query.series = series;
  const problems: ProblemDetailItem[] = [];
  for (const [bound, raw] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (raw === undefined) continue;
    const key = parseKeyParam(bucket.type, raw);
    if (key instanceof KeyError) problems.push({ pointer: `/${bound}`, detail: key.detail });
    else query[bound] = key;
  }
  if (problems.length > 0) {
    throw new AppError('invalid_query', 'The range is not valid for this bucket.', {
      errors: problems,
    });
  }
  return query;
}
