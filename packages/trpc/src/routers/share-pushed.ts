import type { LiveMessage } from '@bucketgrid/live';
import {
  answerChange,
  type PushedRead,
  pushedReadKey,
  type ShareAnswer,
  type ShareAnswerChange,
} from '@bucketgrid/shared';

/**
 * Answers pushed to a locked share link's pages (@bucketgrid/shared's share-pushed.ts): every
 * viewer of a locked link asks the same reads (the range is the server's), so instead of each
 * page asking again after each event about a bucket, the link's live stream carries the
 * answers of the reads the page named, just before the event. Each answer is read once
 * (services/share-read-cache.ts) and is the same object for every view of the link, so the
 * SSE writer serialises it once (apps/server/src/http/live-stream.ts) and writes the same
 * bytes to every socket: a viewer costs a write per event, not a request. A page pushed the
 * answer before gets what changed since instead (share-answer-change.ts): a few rows, not the
 * whole answer again.
 */

/** An answer to push, whole and (when the one before it is known) as what changed since. */
export interface Pushed {
  answer: { id: string; event: ShareAnswer };
  change: { id: string; event: ShareAnswerChange } | null;
}

/**
 * Per live message (the hub hands the same one to every share view of the dashboard), the
 * answers pushed with it, by link and read: the first view to get there reads, the others get
 * the very same answer message (so its frame is built once). Kept KEEP_MS, not as long as the
 * message: the hub keeps its last 256 messages for reconnecting views, and their answers (up
 * to a few MB each) need not stay with them. A view that comes later asks again: the shared
 * read answers it (services/share-read-cache.ts).
 */
const pushedWith = new WeakMap<LiveMessage, Map<string, Promise<Pushed | null>>>();
const KEEP_MS = 5_000;

/**
 * The answer last pushed for each link and read, which the next is told against; forgotten
 * after LAST_KEPT_MS without a push (then the next goes out whole).
 */
const lastPushed = new Map<string, { version: string; data: unknown; timer: NodeJS.Timeout }>();
const LAST_KEPT_MS = 60_000;

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
): Promise<Pushed | null> {
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
      (data) => withChange(key, message.id, read, data),
      () => null,
    );
    answers.set(key, pushed);
  }
  return pushed;
}

function withChange(key: string, version: string, read: PushedRead, data: unknown): Pushed {
  const { bucketId } = read;
  const before = lastPushed.get(key);
  clearTimeout(before?.timer);
  const timer = setTimeout(() => lastPushed.delete(key), LAST_KEPT_MS).unref();
  lastPushed.set(key, { version, data, timer });
  const change = before && answerChange(read.kind, before.data, data);
  return {
    answer: { id: version, event: { type: 'answer', bucketId, read, version, data } },
    change: change
      ? {
          id: version,
          event: { type: 'answerChange', bucketId, read, version, base: before.version, change },
        }
      : null,
  };
}
