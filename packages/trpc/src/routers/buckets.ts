import {
  createBucket,
  deleteBucket,
  getBucketOrThrow,
  listBuckets,
  purgeRecords,
  readRecords,
  renameBucket,
} from '@bucketgrid/services';
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
import { dashboardProcedure, router } from '../trpc.ts';

export const bucketInput = z.object({ bucketId: idSchema });
export const createBucketInput = z.object({ name: bucketNameSchema, type: bucketTypeSchema });
export const renameBucketInput = bucketInput.extend({ name: bucketNameSchema });
/** The same query rules as the REST GET (range, order, limit, cursor). */
export const recordsInput = bucketInput.extend(readQueryInput.shape);

export const bucketsRouter = router({
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

  delete: dashboardProcedure('admin')
    .input(bucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      await deleteBucket(ctx.store, bucket);
      return { deleted: true };
    }),

  records: dashboardProcedure('user')
    .input(recordsInput)
    .query(async ({ ctx, input }) => {
      const { dashboardId: _d, bucketId, ...params } = input;
      const bucket = await getBucketOrThrow(ctx.store, bucketId, ctx.dashboard.id);
      const query = resolveReadQuery(bucket.type, params);
      const { records, hasMore } = await readRecords(ctx.store, bucket, query);
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
      return { deleted: await purgeRecords(ctx.store, bucket) };
    }),

  /** Pushes an event each time records are written to the bucket (for live views). */
  live: dashboardProcedure('user')
    .input(bucketInput)
    .subscription(async function* ({ ctx, input, signal }) {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      yield* ctx.events.watch(bucket.id, signal);
    }),
});
