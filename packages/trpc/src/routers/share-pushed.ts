import type { LiveMessage } from '@bucketgrid/live';
import { downsampleQueryInput, idSchema, readQueryInput } from '@bucketgrid/shared';
import { z } from 'zod';

/**
 * Answers pushed to a locked share link's pages (docs/sharing.md, "Public links"): every
 * viewer of a locked link asks the same reads (the range is the server's), so instead of each
 * page asking again after each event about a bucket, the link's live stream carries the
 * answers of the reads the page said it shows (`share.live`'s `reads`), just before the event.
 * Each answer is read once (services/share-read-cache.ts) and is the same object for every
 * view of the link, so the SSE writer serialises it once (apps/server/src/http/live-stream.ts)
 * and writes the same bytes to every socket: a viewer costs a write, not a request.
 */

/** Reads one view may ask to be pushed: a grid's widgets' first reads (a page's more fetch). */
export const MAX_PUSHED_READS = 32;

/** A widget's read as the page asks it, less the range (a locked link's is the server's). */
export const pushedReadInput = z.discriminatedUnion('kind', [
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
export type PushedRead = z.output<typeof pushedReadInput>;

/** A pushed answer: the read as the page asked it (it finds its query by it), and the answer. */
export interface ShareAnswer {
  type: 'answer';
  bucketId: string;
  read: PushedRead;
  data: unknown;
}

type Pushed = { id: string; event: ShareAnswer } | null;

/**
 * Per live message (the hub hands the same one to every share view of the dashboard), the
 * answers pushed with it, by link and read: the first view to get there reads, the others get
 * the very same answer message (so its frame is built once). Dropped with the message.
 */
const pushedWith = new WeakMap<LiveMessage, Map<string, Promise<Pushed>>>();

/**
 * The answer to push with `message` for `read`, or null when the read fails (refused by the
 * link's read limits, a bucket no longer shown): the page then asks for it as it would
 * without pushes, and gets the error.
 */
export function pushedAnswer(
  message: LiveMessage,
  /** The link and its layout's version: what else the answer depends on. */
  scope: string,
  read: PushedRead,
  answer: () => Promise<unknown>,
): Promise<Pushed> {
  let answers = pushedWith.get(message);
  if (!answers) {
    answers = new Map();
    pushedWith.set(message, answers);
  }
  const key = `${scope}\n${JSON.stringify(read)}`;
  let pushed = answers.get(key);
  if (!pushed) {
    pushed = answer().then(
      (data): Pushed => ({
        id: message.id,
        event: { type: 'answer', bucketId: read.bucketId, read, data },
      }),
      () => null,
    );
    answers.set(key, pushed);
  }
  return pushed;
}
