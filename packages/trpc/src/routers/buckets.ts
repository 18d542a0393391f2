import {
  createBucket,
  deleteBucket,
  getBucketOrThrow,
  listBuckets,
  renameBucket,
  setBucketSeries,
} from '@bucketgrid/services';
import { bucketNameSchema, bucketTypeSchema, idSchema, seriesListSchema } from '@bucketgrid/shared';
import { z } from 'zod';
import { dashboardProcedure, router } from '../trpc.ts';
import { bucketRecordProcedures } from './bucket-records.ts';

export const bucketInput = z.object({ bucketId: idSchema });
export const createBucketInput = z.object({ name: bucketNameSchema, type: bucketTypeSchema });
export const renameBucketInput = bucketInput.extend({ name: bucketNameSchema });
export const setSeriesInput = bucketInput.extend({ series: seriesListSchema });

export const bucketsRouter = router({
  ...bucketRecordProcedures,
  list: dashboardProcedure('user').query(({ ctx }) => listBuckets(ctx.store, ctx.dashboard.id)),

  get: dashboardProcedure('user')
    .input(bucketInput)
    .query(({ ctx, input }) => getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id)),

  create: dashboardProcedure('admin')
    .input(createBucketInput)
    .mutation(({ ctx, input }) =>
      createBucket(ctx.store, { ...input, dashboardId: ctx.dashboard.id }),
    ),

  rename: dashboardProcedure('admin')
    .input(renameBucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      return renameBucket(ctx.store, bucket, input.name);
    }),

  /** Names, units, colours and decimals of the bucket's series keys (replaces the list). */
  setSeries: dashboardProcedure('admin')
    .input(setSeriesInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      return setBucketSeries(ctx.store, bucket, input.series);
    }),

  delete: dashboardProcedure('admin')
    .input(bucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      await deleteBucket(ctx.store, bucket);
      return { deleted: true };
    }),

  /** Pushes an event each time records are written to the bucket (for live views). */
  live: dashboardProcedure('user')
    .input(bucketInput)
    .subscription(async function* ({ ctx, input, signal }) {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      yield* ctx.events.watch(bucket.id, signal);
    }),
});
