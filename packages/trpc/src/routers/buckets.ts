import { createBucket, getBucketOrThrow } from '@bucketgrid/services';
import {
  bucketNameSchema,
  bucketTypeSchema,
  encodeCursor,
  idSchema,
  readQueryInput,
  resolveReadQuery,
  toLongRecord,
} from '@bucketgrid/shared';
import { z } from 'zod';
import { liveInput, trackedEvents, viewOwner } from '../live.ts';
import { dashboardProcedure, router } from '../trpc.ts';

export const bucketInput = z.object({ bucketId: idSchema });
export const createBucketInput = z.object({ name: bucketNameSchema, type: bucketTypeSchema });
export const renameBucketInput = bucketInput.extend({ name: bucketNameSchema });
/** The same query rules as the REST GET (range, order, limit, cursor). */
export const recordsInput = bucketInput.extend(readQueryInput.shape);

export const bucketsRouter = router({
  list: dashboardProcedure('user').query(({ ctx }) => ctx.store.listBuckets(ctx.dashboard.id)),

  get: dashboardProcedure('user')
    .input(bucketInput)
    .query(({ ctx, input }) => getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id)),

  create: dashboardProcedure('admin')
    .input(createBucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await createBucket(ctx.store, { ...input, dashboardId: ctx.dashboard.id });
      ctx.live.publish(ctx.dashboard.id, { type: 'buckets', at: ctx.now() });
      return bucket;
    }),

  rename: dashboardProcedure('admin')
    .input(renameBucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      await ctx.store.renameBucket(bucket.id, input.name);
      ctx.live.publish(ctx.dashboard.id, { type: 'buckets', at: ctx.now() });
      return { ...bucket, name: input.name };
    }),

  delete: dashboardProcedure('admin')
    .input(bucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      await ctx.store.deleteBucket(bucket.id);
      ctx.live.publish(ctx.dashboard.id, { type: 'buckets', at: ctx.now() });
      ctx.live.endBucket(bucket.id);
      return { deleted: true };
    }),

  records: dashboardProcedure('user')
    .input(recordsInput)
    .query(async ({ ctx, input }) => {
      const { dashboardId: _d, bucketId, ...params } = input;
      const bucket = await getBucketOrThrow(ctx.store, bucketId, ctx.dashboard.id);
      const query = resolveReadQuery(bucket.type, params);
      const { records, hasMore } = await ctx.store.readRecords(bucket, query);
      const last = records.at(-1);
      return {
        records: records.map(toLongRecord),
        nextCursor: hasMore && last ? encodeCursor(query.order, last.key) : null,
      };
    }),

  purge: dashboardProcedure('admin')
    .input(bucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      const deleted = await ctx.store.purgeRecords(bucket);
      ctx.live.publish(ctx.dashboard.id, { type: 'records', bucketId: bucket.id, at: ctx.now() });
      return { deleted };
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
