import {
  createBucket,
  deleteBucket,
  listBuckets,
  renameBucket,
  setBucketSeries,
} from '@bucketgrid/services';
import { bucketNameSchema, bucketTypeSchema, idSchema, seriesListSchema } from '@bucketgrid/shared';
import { z } from 'zod';
import { liveInput, trackedEvents, viewOwner } from '../live.ts';
import { bucketProcedure, dashboardProcedure, router } from '../trpc.ts';
import { bucketRecordProcedures } from './bucket-records.ts';

export const bucketInput = z.object({ bucketId: idSchema });
export const createBucketInput = z.object({ name: bucketNameSchema, type: bucketTypeSchema });
export const renameBucketInput = bucketInput.extend({ name: bucketNameSchema });
export const setSeriesInput = bucketInput.extend({ series: seriesListSchema });

export const bucketsRouter = router({
  ...bucketRecordProcedures,
  list: dashboardProcedure('user').query(({ ctx }) => listBuckets(ctx.store, ctx.dashboard.id)),

  get: bucketProcedure('user').query(({ ctx }) => ctx.bucket),

  create: dashboardProcedure('admin')
    .input(createBucketInput)
    .mutation(({ ctx, input }) =>
      createBucket(ctx.store, { ...input, dashboardId: ctx.dashboard.id }, ctx.author),
    ),

  rename: bucketProcedure('admin')
    .input(renameBucketInput)
    .mutation(({ ctx, input }) => renameBucket(ctx.store, ctx.bucket, input.name, ctx.author)),

  /** Names, units, colours and decimals of the bucket's series keys (replaces the list). */
  setSeries: bucketProcedure('admin')
    .input(setSeriesInput)
    .mutation(({ ctx, input }) => setBucketSeries(ctx.store, ctx.bucket, input.series, ctx.author)),

  delete: bucketProcedure('admin').mutation(async ({ ctx }) => {
    await deleteBucket(ctx.store, ctx.bucket, ctx.author);
    ctx.live.endBucket(ctx.bucket.id);
    return { deleted: true };
  }),

  /**
   * The bucket's `records` events (its records were written, deleted or purged). The bucket
   * page's view; a dashboard's grid uses `dashboards.live`, one stream for all its buckets.
   * The checks run before the stream starts, so an unknown bucket is a plain NOT_FOUND.
   */
  live: bucketProcedure('user')
    .input(liveInput)
    .subscription(({ ctx, input, signal }) => {
      const view = ctx.live.open({
        dashboardId: ctx.dashboard.id,
        bucketId: ctx.bucket.id,
        owner: viewOwner(ctx),
        lastEventId: input.lastEventId,
        signal: signal ?? new AbortController().signal,
      });
      return trackedEvents(view);
    }),
});
