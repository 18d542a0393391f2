import { AppError, type BucketType, bucketNameSchema, bucketTypeSchema } from '@bucketgrid/shared';
import type { Bucket, Store } from '@bucketgrid/store';
import { validate } from './validate.ts';

export async function createBucket(
  store: Store,
  input: { dashboardId: string; name: string; type: BucketType },
): Promise<Bucket> {
  if (!(await store.getDashboard(input.dashboardId))) {
    throw new AppError('not_found', 'No such dashboard.');
  }
  return store.createBucket({
    dashboardId: input.dashboardId,
    name: validate(bucketNameSchema, input.name, 'name'),
    type: validate(bucketTypeSchema, input.type, 'type'),
  });
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
