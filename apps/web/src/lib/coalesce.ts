export interface Coalescer {
  /** Asks for a run: soon, never while one is running, never more often than the gap allows. */
  trigger(): void;
  /** Drops any waiting run (for unmount). */
  cancel(): void;
}

/**
 * Runs `task` on demand without piling up: triggers during a run fold into one more run after
 * it, and runs start at least `minGapMs` apart. A live view can then refresh on every write
 * event without refetching hundreds of times a second while data streams in, yet never misses
 * the last write (a trigger during a run always causes one more run). With `spreadMs`, a run
 * waits a random part of it at least: many clients told of the same event at the same moment
 * (a public page's viewers) then do not all refetch in the same millisecond.
 */
export function coalesce(task: () => Promise<unknown>, minGapMs: number, spreadMs = 0): Coalescer {
  let running = false;
  let pending = false;
  let lastStart = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;

  function schedule(): void {
    if (running || timer !== undefined || cancelled) return;
    const wait = Math.max(Math.random() * spreadMs, lastStart + minGapMs - Date.now());
    timer = setTimeout(run, wait);
  }

  function run(): void {
    timer = undefined;
    pending = false;
    running = true;
    lastStart = Date.now();
    task()
      .catch(() => {
        // The task's own queries show their errors; the next trigger simply tries again.
      })
      .finally(() => {
        running = false;
        if (pending) schedule();
      });
  }

  return {
    trigger() {
      pending = true;
      schedule();
    },
    cancel() {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
