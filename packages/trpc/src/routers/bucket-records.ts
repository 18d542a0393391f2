import type { AuthUser } from '@bucketgrid/auth';
import {
  deleteRecords,
  downsampleRecords,
  getBucketOrThrow,
  purgeRecords,
  type Reader,
  readRecords,
  resolveRecordSelection,
  seriesSummary,
} from '@bucketgrid/services';
import {
  downsampleQueryInput,
  encodeCursor,
  idSchema,
  MAX_RECORDS_PER_WRITE,
  readQueryInput,
  resolveReadQuery,
  toLongRecord,
} from '@bucketgrid/shared';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { dashboardProcedure } from '../trpc.ts';

/** The records of one bucket: read, downsampled, deleted. Part of the `buckets` router. */

const bucketInput = z.object({ bucketId: idSchema });
const keyParam = z.union([z.string().min(1).max(256), z.number()]);

/** The same query rules as the REST GET (range, order, limit, cursor). */
export const recordsInput = bucketInput.extend(readQueryInput.shape);
/** The same rules as the REST downsampled read. */
export const downsampleInput = bucketInput.extend(downsampleQueryInput.shape);
/** Chosen keys, or a from/to range (in the bucket's key type); nothing named is refused. */
export const deleteRecordsInput = bucketInput.extend({
  keys: z.array(keyParam).max(MAX_RECORDS_PER_WRITE).optional(),
  from: keyParam.optional(),
  to: keyParam.optional(),
});

/** A member's reads count against that member, across every dashboard they read. */
function memberReader(ctx: Context & { user: AuthUser }): Reader {
  return { limits: ctx.readLimits, principal: `user:${ctx.user.id}` };
}

export const bucketRecordProcedures = {
  records: dashboardProcedure('user')
    .input(recordsInput)
    .query(async ({ ctx, input }) => {
      const { dashboardId: _d, bucketId, ...params } = input;
      const bucket = await getBucketOrThrow(ctx.store, bucketId, ctx.dashboard.id);
      const query = resolveReadQuery(bucket, params);
      const { records, hasMore } = await readRecords(ctx.store, bucket, query, memberReader(ctx));
      const last = records.at(-1);
      return {
        records: records.map(toLongRecord),
        nextCursor: hasMore && last ? encodeCursor(bucket.id, query.order, last.key) : null,
      };
    }),

  /** A range as about `points` points per series: min, max, avg, last and a record count. */
  downsample: dashboardProcedure('user')
    .input(downsampleInput)
    .query(async ({ ctx, input }) => {
      const { dashboardId: _d, bucketId, ...query } = input;
      const bucket = await getBucketOrThrow(ctx.store, bucketId, ctx.dashboard.id);
      return downsampleRecords(ctx.store, bucket, query, memberReader(ctx));
    }),

  /**
   * Which series the bucket's data holds and how many values each has: what a series picker
   * needs, in a read bounded whatever the bucket's size (not a whole-range downsample).
   */
  series: dashboardProcedure('user')
    .input(bucketInput)
    .query(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      return seriesSummary(ctx.store, bucket, memberReader(ctx));
    }),

  deleteRecords: dashboardProcedure('admin')
    .input(deleteRecordsInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      const selection = resolveRecordSelection(bucket.type, input);
      const deleted = await deleteRecords(ctx.store, bucket, selection);
      ctx.live.publish(ctx.dashboard.id, { type: 'records', bucketId: bucket.id, at: ctx.now() });
      return { deleted };
    }),

  purge: dashboardProcedure('admin')
    .input(bucketInput)
    .mutation(async ({ ctx, input }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      const deleted = await purgeRecords(ctx.store, bucket);
      ctx.live.publish(ctx.dashboard.id, { type: 'records', bucketId: bucket.id, at: ctx.now() });
      return { deleted };
    }),
};
