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
import { liveInput, trackedEvents, viewOwner } from '../live.ts';
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
    .mutation(async ({ ctx, input }) => {
      const bucket = await createBucket(
        ctx.store,
        { ...input, dashboardId: ctx.dashboard.id },
        ctx.author,
      );
      ctx.live.publish(ctx.dashboard.id, { type: 'buckets', at: ctx.now() });
      return bucket;
    }),

  rename: dashboardProcedure('admin')
    .input(renameBucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      const renamed = await renameBucket(ctx.store, bucket, input.name, ctx.author);
      ctx.live.publish(ctx.dashboard.id, { type: 'buckets', at: ctx.now() });
      return renamed;
    }),

  /** Names, units, colours and decimals of the bucket's series keys (replaces the list). */
  setSeries: dashboardProcedure('admin')
    .input(setSeriesInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      const described = await setBucketSeries(ctx.store, bucket, input.series, ctx.author);
      ctx.live.publish(ctx.dashboard.id, { type: 'buckets', at: ctx.now() });
      return described;
    }),

  delete: dashboardProcedure('admin')
    .input(bucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      await deleteBucket(ctx.store, bucket, ctx.author);
      ctx.live.publish(ctx.dashboard.id, { type: 'buckets', at: ctx.now() });
      ctx.live.endBucket(bucket.id);
      return { deleted: true };
    }),

  /**
   * The bucket's `records` events (its records were written, deleted or purged). The bucket
   * page's view; a dashboard's grid uses `dashboards.live`, one stream for all its buckets.
   * The checks run before the stream starts, so an unknown bucket is a plain NOT_FOUND.
   */
  live: dashboardProcedure('user')
    .input(bucketInput.extend(liveInput.shape))
    .subscription(async ({ ctx, input, signal }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      const view = ctx.live.open({
        dashboardId: ctx.dashboard.id,
        bucketId: bucket.id,
        owner: viewOwner(ctx),
        lastEventId: input.lastEventId,
        signal: signal ?? new AbortController().signal,
      });
      return trackedEvents(view);
    }),
});
