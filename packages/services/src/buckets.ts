import {
  AppError,
  type BucketType,
  bucketNameSchema,
  bucketTypeSchema,
  type SeriesMeta,
  seriesListSchema,
} from '@bucketgrid/shared';
import { type Bucket, type BucketRef, MissingEntity, type Store } from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from './activity.ts';
import { QUOTAS, withinQuota } from './quotas.ts';
import { validate } from './validate.ts';

export async function createBucket(
  store: Store,
  input: { dashboardId: string; name: string; type: BucketType },
  by?: ChangeAuthor,
): Promise<Bucket> {
  if (!(await store.getDashboard(input.dashboardId))) {
    throw new AppError('not_found', 'No such dashboard.');
  }
  const name = validate(bucketNameSchema, input.name, 'name');
  const type = validate(bucketTypeSchema, input.type, 'type');
  return withinQuota(
    `buckets:${input.dashboardId}`,
    QUOTAS.bucketsPerDashboard,
    async () => (await store.listBuckets(input.dashboardId)).length,
    `This dashboard has ${QUOTAS.bucketsPerDashboard} buckets, the most it may: delete one it no longer needs first.`,
    async () => {
      try {
        // The store fills in the new bucket's id.
        const note = noteOf(
          by,
          input.dashboardId,
          'bucket.created',
          { type: 'bucket', id: '', label: name },
          { after: { name, type } },
        );
        return await store.createBucket({ dashboardId: input.dashboardId, name, type }, note);
      } catch (error) {
        // The dashboard was deleted between the check and the insert.
        if (error instanceof MissingEntity) throw new AppError('not_found', 'No such dashboard.');
        throw error;
      }
    },
  );
}

/**
 * Loads a bucket that must belong to `dashboardId`. A bucket of another dashboard is
 * reported exactly like one that never existed.
 */
export async function getBucketOrThrow(
  store: Store,
  id: string,
  dashboardId: string,
  code: 'not_found' | 'bucket_not_found' = 'not_found',
): Promise<Bucket> {
  return bucketOfDashboard(await store.getBucket(id), dashboardId, code);
}

/**
 * `bucket` when it is one of the dashboard's; otherwise the same error as for a bucket that
 * never existed, so a bucket of another dashboard is never revealed.
 */
export function bucketOfDashboard<T extends BucketRef>(
  bucket: T | null,
  dashboardId: string,
  code: 'not_found' | 'bucket_not_found' = 'not_found',
): T {
  if (!bucket || bucket.dashboardId !== dashboardId) {
    throw new AppError(code, 'No such bucket in this dashboard (check the bucket id).');
  }
  return bucket;
}

export function listBuckets(store: Store, dashboardId: string): Promise<Bucket[]> {
  return store.listBuckets(dashboardId);
}

export async function renameBucket(
  store: Store,
  bucket: Bucket,
  name: string,
  by?: ChangeAuthor,
): Promise<Bucket> {
  const clean = validate(bucketNameSchema, name, 'name');
  const note = noteOf(by, bucket.dashboardId, 'bucket.renamed', bucketTarget(bucket), {
    before: { name: bucket.name },
    after: { name: clean },
  });
  await store.renameBucket(bucket.id, clean, note);
  return { ...bucket, name: clean };
}

/** Replaces how the bucket describes its series (names, units, colours, decimals). */
export async function setBucketSeries(
  store: Store,
  bucket: Bucket,
  series: SeriesMeta[],
  by?: ChangeAuthor,
): Promise<Bucket> {
  const clean = validate(seriesListSchema, series, 'series');
  const note = noteOf(by, bucket.dashboardId, 'bucket.series_changed', bucketTarget(bucket), {
    before: { series: bucket.series },
    after: { series: clean },
  });
  const updated = await store.setBucketSeries(bucket.id, clean, note);
  if (!updated) throw new AppError('not_found', 'No such bucket in this dashboard.');
  return updated;
}

/** Deletes the bucket with all its records. */
export function deleteBucket(store: Store, bucket: Bucket, by?: ChangeAuthor): Promise<void> {
  const note = noteOf(by, bucket.dashboardId, 'bucket.deleted', bucketTarget(bucket), {
    before: { name: bucket.name, records: bucket.recordCount },
  });
  return store.deleteBucket(bucket.id, note);
}

export function bucketTarget(bucket: BucketRef) {
  return { type: 'bucket', id: bucket.id, label: bucket.name };
}
