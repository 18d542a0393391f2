/** How soon a batcher asks the delivery budget again after it said no. */
const BUDGET_RETRY_MS = 20;

/**
 * Gathers a dashboard's changes for its members' views into one event at a time:
 * - the first change after a quiet `intervalMs` goes at once;
 * - changes made while the interval runs wait, merged per key (the latest wins), and go
 *   together when it ends, so the last change of a key is never held back longer than that;
 * - and only when `admit()` agrees (the process's delivery budget): until it does, they keep
 *   waiting here, merged, rather than queue at the views.
 * A view thus gets at most 1000 / `intervalMs` events a second however many buckets its
 * dashboard's writers touch, and still hears of every bucket within an interval.
 */
export class Batcher<E> {
  /** The changes not sent yet, by key, in the order their keys first changed. */
  private readonly pending = new Map<string, E>();
  private sentAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (events: E[]) => void,
    private readonly admit: () => boolean = () => true,
  ) {}

  push(key: string, event: E): void {
    this.pending.set(key, event);
    if (this.timer === undefined) this.sendIn(this.sentAt + this.intervalMs - performance.now());
  }

  /** Drops pending changes and the timer. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private sendIn(waitMs: number): void {
    if (waitMs <= 0) {
      this.send();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, waitMs);
    this.timer.unref();
  }

  private send(): void {
    if (this.pending.size === 0) return;
    if (!this.admit()) {
      this.sendIn(Math.max(this.intervalMs, BUDGET_RETRY_MS));
      return;
    }
    const events = [...this.pending.values()];
    this.pending.clear();
    this.sentAt = performance.now();
    this.emit(events);
  }
}
