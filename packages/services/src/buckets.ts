import {
  AppError,
  type BucketType,
  bucketNameSchema,
  bucketTypeSchema,
  type SeriesMeta,
  seriesListSchema,
} from '@bucketgrid/shared';
import { type Bucket, MissingEntity, type Store } from '@bucketgrid/store';
import { QUOTAS, withinQuota } from './quotas.ts';
import { validate } from './validate.ts';

export async function createBucket(
  store: Store,
  input: { dashboardId: string; name: string; type: BucketType },
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
        return await store.createBucket({ dashboardId: input.dashboardId, name, type });
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
  const bucket = await store.getBucket(id);
  if (!bucket || bucket.dashboardId !== dashboardId) {
    throw new AppError(code, 'No such bucket in this dashboard (check the bucket id).');
  }
  return bucket;
}

export function listBuckets(store: Store, dashboardId: string): Promise<Bucket[]> {
  return store.listBuckets(dashboardId);
}

export async function renameBucket(store: Store, bucket: Bucket, name: string): Promise<Bucket> {
  const clean = validate(bucketNameSchema, name, 'name');
  await store.renameBucket(bucket.id, clean);
  return { ...bucket, name: clean };
}

/** Replaces how the bucket describes its series (names, units, colours, decimals). */
export async function setBucketSeries(
  store: Store,
  bucket: Bucket,
  series: SeriesMeta[],
): Promise<Bucket> {
  const updated = await store.setBucketSeries(
    bucket.id,
    validate(seriesListSchema, series, 'series'),
  );
  if (!updated) throw new AppError('not_found', 'No such bucket in this dashboard.');
  return updated;
}

/** Deletes the bucket with all its records. */
export function deleteBucket(store: Store, bucket: Bucket): Promise<void> {
  return store.deleteBucket(bucket.id);
}
