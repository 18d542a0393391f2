import type { AuthUser } from '@bucketgrid/auth';
import {
  deleteRecords,
  downsampleRecords,
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
import { bucketProcedure } from '../trpc.ts';

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
  records: bucketProcedure('user')
    .input(recordsInput)
    .query(async ({ ctx, input }) => {
      const { dashboardId: _d, bucketId: _b, ...params } = input;
      const query = resolveReadQuery(ctx.bucket, params);
      const { records, hasMore } = await readRecords(
        ctx.store,
        ctx.bucket,
        query,
        memberReader(ctx),
      );
      const last = records.at(-1);
      return {
        records: records.map(toLongRecord),
        nextCursor: hasMore && last ? encodeCursor(ctx.bucket.id, query.order, last.key) : null,
      };
    }),

  /** A range as about `points` points per series: min, max, avg, last and a record count. */
  downsample: bucketProcedure('user')
    .input(downsampleInput)
    .query(({ ctx, input }) => {
      const { dashboardId: _d, bucketId: _b, ...query } = input;
      return downsampleRecords(ctx.store, ctx.bucket, query, memberReader(ctx));
    }),

  /**
   * Which series the bucket's data holds and how many values each has: what a series picker
   * needs, in a read bounded whatever the bucket's size (not a whole-range downsample).
   */
  series: bucketProcedure('user').query(({ ctx }) =>
    seriesSummary(ctx.store, ctx.bucket, memberReader(ctx)),
  ),

  deleteRecords: bucketProcedure('admin')
    .input(deleteRecordsInput)
    .mutation(async ({ ctx, input }) => {
      const selection = resolveRecordSelection(ctx.bucket.type, input);
      return { deleted: await deleteRecords(ctx.store, ctx.bucket, selection, ctx.author) };
    }),

  purge: bucketProcedure('admin').mutation(async ({ ctx }) => ({
    deleted: await purgeRecords(ctx.store, ctx.bucket, ctx.author),
  })),
};
