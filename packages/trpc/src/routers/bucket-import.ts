import { writeRecords } from '@bucketgrid/services';
import { AppError, IMPORT_BATCH_RECORDS, parseRecordBatch } from '@bucketgrid/shared';
import { z } from 'zod';
import { bucketProcedure, router } from '../trpc.ts';

/**
 * Import batches a member writes at once, across their tabs and dashboards (per process). The
 * web app's import sends one batch at a time, so this is two imports side by side; a script
 * firing batches in parallel gets rate_limited instead of the store's whole write queue.
 */
export const IMPORT_WRITES_AT_ONCE_PER_MEMBER = 2;

const writing = new Map<string, number>();

/** Runs a member's import write in one of their slots, or refuses it when none is free. */
async function inSlot<T>(userId: string, write: () => Promise<T>): Promise<T> {
  const running = writing.get(userId) ?? 0;
  if (running >= IMPORT_WRITES_AT_ONCE_PER_MEMBER) {
    throw new AppError(
      'rate_limited',
      `${IMPORT_WRITES_AT_ONCE_PER_MEMBER} import batches of yours are being written; send the next when one is done.`,
      { retryAfterSeconds: 1 },
    );
  }
  writing.set(userId, running + 1);
  try {
    return await write();
  } finally {
    const left = (writing.get(userId) ?? 1) - 1;
    if (left === 0) writing.delete(userId);
    else writing.set(userId, left);
  }
}

/**
 * CSV import from the web app: a batch of parsed rows written as the REST POST writes them
 * (merge: a record's given series replace those stored under its key, its others stay), so
 * an import run twice leaves the same data. The records are checked by the same parser as
 * REST's; a refusal is invalid_records with a pointer per record (`/12/key`), which the app
 * turns back into the file's line numbers.
 */
export const bucketImportRouter = router({
  write: bucketProcedure('admin')
    .input(
      z.object({
        records: z
          .array(z.unknown())
          .min(1)
          .max(
            IMPORT_BATCH_RECORDS,
            `An import batch holds at most ${IMPORT_BATCH_RECORDS} records.`,
          ),
      }),
    )
    .mutation(({ ctx, input }) =>
      inSlot(ctx.user.id, async () => {
        const records = parseRecordBatch(input.records, ctx.bucket.type);
        const result = await writeRecords(ctx.store, ctx.bucket, records, 'merge');
        return { written: records.length, ...result };
      }),
    ),
});
