interface KeyState<E> {
  /** The latest event not sent yet (later events of the key replace earlier ones). */
  pending: E | undefined;
  /** Set while the key cools down after an event was sent. */
  timer: NodeJS.Timeout | undefined;
}

/**
 * Merges events per key and paces them:
 * - per key, the first event goes at once, then at most one per `intervalMs`: events that
 *   arrive meanwhile are merged (the latest wins) and sent when the interval ends, so the last
 *   change of a key is never held back longer than that;
 * - for all keys together, at most `perSecond` a second (and bursts of at most `perSecond`),
 *   the keys with something to send taking turns.
 * - and only when `admit()` agrees (the process's delivery budget): until it does, events wait
 *   here, merged per key, rather than queue at the views.
 * A bucket written a thousand times a second thus costs its viewers ten events a second, and
 * a dashboard of a thousand busy buckets `perSecond`, however its writers behave.
 */
export class Coalescer<E> {
  private readonly keys = new Map<string, KeyState<E>>();
  /** Keys with a pending event that may be sent as soon as the budget allows, oldest first. */
  private readonly ready = new Set<string>();
  private tokens: number;
  private refilledAt = performance.now();
  private budgetTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly perSecond: number,
    private readonly emit: (event: E) => void,
    private readonly admit: () => boolean = () => true,
  ) {
    this.tokens = perSecond;
  }

  push(key: string, event: E): void {
    const state = this.keys.get(key);
    if (state) {
      state.pending = event;
      return;
    }
    this.keys.set(key, { pending: event, timer: undefined });
    this.ready.add(key);
    this.send();
  }

  /** Drops pending events and timers. */
  close(): void {
    for (const state of this.keys.values()) clearTimeout(state.timer);
    clearTimeout(this.budgetTimer);
    this.keys.clear();
    this.ready.clear();
  }

  /** Sends what the budget allows, and comes back for the rest when it has refilled. */
  private send(): void {
    const now = performance.now();
    this.tokens = Math.min(
      this.perSecond,
      this.tokens + ((now - this.refilledAt) * this.perSecond) / 1000,
    );
    this.refilledAt = now;
    for (const key of this.ready) {
      if (this.tokens < 1 || !this.admit()) break;
      this.tokens--;
      this.ready.delete(key);
      const state = this.keys.get(key)!;
      const event = state.pending!;
      state.pending = undefined;
      if (this.intervalMs > 0) {
        state.timer = setTimeout(() => this.cooled(key), this.intervalMs);
        state.timer.unref();
      } else {
        this.keys.delete(key);
      }
      this.emit(event);
    }
    if (this.ready.size > 0 && this.budgetTimer === undefined) {
      this.budgetTimer = setTimeout(() => {
        this.budgetTimer = undefined;
        this.send();
      }, 1000 / this.perSecond);
      this.budgetTimer.unref();
    }
  }

  private cooled(key: string): void {
    const state = this.keys.get(key);
    if (!state) return;
    state.timer = undefined;
    if (state.pending === undefined) {
      this.keys.delete(key);
      return;
    }
    this.ready.add(key);
    this.send();
  }
}
