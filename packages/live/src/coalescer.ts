/**
 * Lets the first event of a key through at once, then at most one per `intervalMs`: events
 * that arrive while a key cools down are merged (the latest wins) and sent when it ends. A
 * bucket written a thousand times a second thus costs its viewers ten events a second, and
 * the last write is never more than `intervalMs` late.
 */
export class Coalescer<E> {
  private readonly cooling = new Map<string, { pending: E | undefined }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (event: E) => void,
  ) {}

  push(key: string, event: E): void {
    const state = this.cooling.get(key);
    if (state) {
      state.pending = event;
      return;
    }
    this.emit(event);
    this.coolDown(key);
  }

  /** Drops pending events and timers. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.cooling.clear();
  }

  private coolDown(key: string): void {
    if (this.intervalMs <= 0) return;
    const state: { pending: E | undefined } = { pending: undefined };
    this.cooling.set(key, state);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.cooling.delete(key);
      if (state.pending !== undefined) {
        this.emit(state.pending);
        this.coolDown(key);
      }
    }, this.intervalMs);
    timer.unref();
    this.timers.add(timer);
  }
}
