import {
  applyAnswerChange,
  MAX_PUSHED_READS,
  type PushedRead,
  pushedReadKey,
  pushedReadSchema,
  type ShareAnswer,
  type ShareAnswerChange,
} from '@bucketgrid/shared';

/**
 * How long a pushed answer stands in for a request. While records stream in, a new one comes
 * every second with the event about its bucket; the page's refresh after that event runs
 * within a second of it (useShareLive's gap). Past this, with no event since, the widget asks
 * for itself: its relative range still slides (useBucketReads' refetchInterval).
 */
export const PUSHED_ANSWER_FRESH_MS = 2_500;

/** How long the page waits for its widgets' reads to settle before naming them to the server. */
const SETTLE_MS = 250;

/**
 * What a locked share link's page knows of its widgets' reads: which reads they make (named
 * to the server in the live stream's input, which then pushes their answers with each event:
 * docs/sharing.md, "Public links"), and the latest answer pushed for each, whole or as what
 * changed since the one before.
 */
export class PushedAnswers {
  private readonly asked = new Map<string, PushedRead>();
  private readonly answers = new Map<string, { data: unknown; version: string; at: number }>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `onReads`: the reads made changed (settled), the stream should name the new set. */
  constructor(private readonly onReads: (reads: PushedRead[]) => void) {}

  /** The answer pushed for this read, if fresh. */
  fresh(read: PushedRead): unknown {
    const pushed = this.answers.get(pushedReadKey(read));
    return pushed && Date.now() - pushed.at < PUSHED_ANSWER_FRESH_MS ? pushed.data : undefined;
  }

  /**
   * The server answered this read: name it in the stream (at most MAX_PUSHED_READS; more are
   * asked for each time). Only reads it answered: it refuses a stream naming a bucket the
   * grid does not show, or a read it cannot parse.
   */
  note(read: PushedRead): void {
    const key = pushedReadKey(read);
    if (this.asked.has(key) || this.asked.size >= MAX_PUSHED_READS) return;
    const parsed = pushedReadSchema.safeParse(read);
    if (!parsed.success) return;
    this.asked.set(key, parsed.data);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onReads([...this.asked.values()]), SETTLE_MS);
  }

  put(answer: ShareAnswer): void {
    const { version, data } = answer;
    this.answers.set(pushedReadKey(answer.read), { data, version, at: Date.now() });
  }

  /**
   * What changed since an answer pushed before: applied to it when it is the one held, else
   * the one held is dropped (the widget then asks for itself).
   */
  change(answer: ShareAnswerChange): void {
    const key = pushedReadKey(answer.read);
    const held = this.answers.get(key);
    const data =
      held?.version === answer.base
        ? applyAnswerChange(answer.read.kind, held.data, answer.change)
        : null;
    if (data === null) this.answers.delete(key);
    else this.answers.set(key, { data, version: answer.version, at: Date.now() });
  }

  /** Forgets every answer: the stream reopened, and writes made meanwhile came with none. */
  forget(): void {
    this.answers.clear();
  }

  close(): void {
    clearTimeout(this.timer);
  }
}
