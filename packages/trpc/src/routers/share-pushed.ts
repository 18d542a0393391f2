import type { LiveMessage } from '@bucketgrid/live';
import { type PushedRead, pushedReadKey, type ShareAnswer } from '@bucketgrid/shared';

/**
 * Answers pushed to a locked share link's pages (@bucketgrid/shared's share-pushed.ts): every
 * viewer of a locked link asks the same reads (the range is the server's), so instead of each
 * page asking again after each event about a bucket, the link's live stream carries the
 * answers of the reads the page named, just before the event. Each answer is read once
 * (services/share-read-cache.ts) and is the same object for every view of the link, so the
 * SSE writer serialises it once (apps/server/src/http/live-stream.ts) and writes the same
 * bytes to every socket: a viewer costs a write per event, not a request.
 */

type Pushed = { id: string; event: ShareAnswer } | null;

/**
 * Per live message (the hub hands the same one to every share view of the dashboard), the
 * answers pushed with it, by link and read: the first view to get there reads, the others get
 * the very same answer message (so its frame is built once). Kept KEEP_MS, not as long as the
 * message: the hub keeps its last 256 messages for reconnecting views, and their answers (up
 * to a few MB each) need not stay with them. A view that comes later asks again: the shared
 * read answers it (services/share-read-cache.ts).
 */
const pushedWith = new WeakMap<LiveMessage, Map<string, Promise<Pushed>>>();
const KEEP_MS = 5_000;

/**
 * The answer to push with `message` for `read`, or null when the read fails (refused by the
 * link's read limits, a series or bucket it does not show): the page then asks for it as it
 * would without pushes, and gets the error.
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
    setTimeout(() => pushedWith.delete(message), KEEP_MS).unref();
  }
  const key = `${scope}\n${pushedReadKey(read)}`;
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
