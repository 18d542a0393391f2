import { z } from 'zod';
import { idSchema } from './domain.ts';
import { downsampleQueryInput } from './downsample.ts';
import { readQueryInput } from './read-query.ts';
import type { AnswerChange } from './share-answer-change.ts';

/**
 * Answers a locked share link pushes to its pages with each event about a bucket
 * (docs/sharing.md, "Public links"): the page names the reads its widgets make in its live
 * stream's input (`share.live`'s `reads`), the server sends each read's answer just before the
 * event, and the page draws from it instead of asking again.
 */

/** Reads one page may have pushed: a grid's widgets' reads (the rest are asked as before). */
export const MAX_PUSHED_READS = 32;

/** A widget's read as the page makes it, less the range (a locked link's is the server's). */
export const pushedReadSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('downsample'),
      bucketId: idSchema,
      points: downsampleQueryInput.shape.points,
      series: downsampleQueryInput.shape.series,
    })
    .strict(),
  z
    .object({
      kind: z.literal('records'),
      bucketId: idSchema,
      order: readQueryInput.shape.order,
      limit: readQueryInput.shape.limit,
    })
    .strict(),
]);
export type PushedRead = z.output<typeof pushedReadSchema>;

/**
 * A pushed answer: the read as the page named it, and what a request for it would answer.
 * `version` names it (the id of the event it came with), so that the next one may come as
 * what changed since (ShareAnswerChange).
 */
export interface ShareAnswer {
  type: 'answer';
  bucketId: string;
  read: PushedRead;
  version: string;
  data: unknown;
}

/**
 * A pushed answer as what changed since the answer `base` (share-answer-change.ts): sent to a
 * page that was pushed `base` on this stream, the whole answer to any other.
 */
export interface ShareAnswerChange {
  type: 'answerChange';
  bucketId: string;
  read: PushedRead;
  version: string;
  base: string;
  change: AnswerChange;
}

/** One text per read, whatever order its fields came in: how server and page match them. */
export function pushedReadKey(read: PushedRead): string {
  return read.kind === 'downsample'
    ? JSON.stringify([read.kind, read.bucketId, read.points, read.series ?? null])
    : JSON.stringify([read.kind, read.bucketId, read.order, read.limit]);
}
