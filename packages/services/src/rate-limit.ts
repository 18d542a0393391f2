import { createHash } from 'node:crypto';
import type { RateWindowChange, Store } from '@bucketgrid/store';

/**
 * Fixed-window rate limits, counted in the store so that they hold across every server
 * process of a deployment: each id may spend `limit` units per window (windows aligned to
 * multiples of its length). Two ways to count, for two kinds of traffic:
 * - `SharedWindowLimiter`: every count is a store round trip; for events that are rare by
 *   nature (failed API keys, sign-ins, sign-ups).
 * - `BatchedWindowLimiter`: decided in the process, shared through the store in batches; for
 *   the per-key limit on the ingestion hot path.
 */
export interface RateLimitOutcome {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** The counters of the store. */
export type RateCounters = Pick<Store, 'countRateWindows'>;

/** Past this many ids, windows that have ended are forgotten (memory stays bounded). */
const PRUNE_ABOVE = 100_000;

/** The window holding `now`. */
function windowAt(now: number, windowMs: number): { start: number; end: number } {
  const start = now - (((now % windowMs) + windowMs) % windowMs);
  return { start, end: start + windowMs };
}

/**
 * A counter's key: the limit, the window, and a digest of the id, so that the database holds
 * no client address or email.
 */
function counterKey(scope: string, id: string, start: number): string {
  const digest = createHash('sha256').update(id).digest('base64url').slice(0, 22);
  return `${scope}:${start}:${digest}`;
}

function outcome(
  limit: number,
  used: number,
  allowed: boolean,
  end: number,
  now: number,
): RateLimitOutcome {
  return {
    allowed,
    limit,
    remaining: Math.max(0, limit - used),
    resetSeconds: Math.max(1, Math.ceil((end - now) / 1000)),
  };
}

/**
 * A limit counted in the store at every spend. Spending counts first and gives back what did
 * not fit, so concurrent requests, on any process, cannot all pass a check that none of them
 * has counted yet.
 */
export class SharedWindowLimiter {
  /** Ids this process saw without units left, until their window ends (for `peek`). */
  private readonly spent = new Map<string, number>();

  constructor(
    private readonly counters: RateCounters,
    /** Names the limit in the store's counters. */
    private readonly scope: string,
    readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Spends `weight` units if they fit; a refused spend spends nothing. */
  async consume(id: string, weight: number, now: number): Promise<RateLimitOutcome> {
    const { start, end } = windowAt(now, this.windowMs);
    const key = counterKey(this.scope, id, start);
    const [total = 0] = await this.counters.countRateWindows([
      { key, delta: weight, expiresAt: end },
    ]);
    const allowed = total <= this.limit;
    if (!allowed) {
      await this.counters.countRateWindows([{ key, delta: -weight, expiresAt: end }]);
    }
    const used = allowed ? total : total - weight;
    if (used >= this.limit) this.noteSpent(id, end);
    return outcome(this.limit, used, allowed, end, now);
  }

  /**
   * Gives back units spent at `spentAt` (callers that spend before they know whether the
   * request counts). Never throws: a refund that cannot be counted leaves the units spent,
   * which errs on the safe side.
   */
  async refund(id: string, weight: number, spentAt: number): Promise<void> {
    const { start, end } = windowAt(spentAt, this.windowMs);
    this.spent.delete(id);
    await this.counters
      .countRateWindows([
        { key: counterKey(this.scope, id, start), delta: -weight, expiresAt: end },
      ])
      .catch(() => {});
  }

  /**
   * Whether `id` has units left as far as this process knows, without a round trip: it
   * learns that an id has none from its own spends (other processes' spends are counted
   * with the next spend here, which then refuses).
   */
  peek(id: string, now: number): RateLimitOutcome {
    const end = this.spent.get(id);
    const { end: windowEnd } = windowAt(now, this.windowMs);
    if (end === undefined || end <= now) return outcome(this.limit, 0, true, windowEnd, now);
    return outcome(this.limit, this.limit, false, end, now);
  }

  private noteSpent(id: string, end: number): void {
    if (this.spent.size >= PRUNE_ABOVE) {
      const now = Date.now();
      for (const [known, until] of this.spent) if (until <= now) this.spent.delete(known);
    }
    this.spent.set(id, end);
  }
}

interface LocalWindow {
  start: number;
  end: number;
  /** The window's total as the store last said, plus what this process sent since. */
  known: number;
  /** Spent here and not yet sent to the store. */
  unsent: number;
}

export interface BatchedWindowLimiterOptions {
  /** How often spends are sent to the store (ms, default 250). */
  syncMs?: number;
  /** Told when a sync fails (the units are sent again with the next one). */
  onSyncError?: (error: unknown) => void;
}

/**
 * A limit decided in the process, without waiting for the store, and shared through it in
 * batches: what this process spends is sent to the store's counters every `syncMs`, in one
 * call for every id, and the totals that come back (every process's spends) are what later
 * decisions here start from. So N processes together may overspend a window only by what
 * they admit before their next sync (at most `syncMs` of traffic each).
 */
export class BatchedWindowLimiter {
  private readonly windows = new Map<string, LocalWindow>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private stopped = false;
  private readonly syncMs: number;

  constructor(
    private readonly counters: RateCounters,
    private readonly scope: string,
    readonly limit: number,
    private readonly windowMs: number,
    private readonly options: BatchedWindowLimiterOptions = {},
  ) {
    this.syncMs = options.syncMs ?? 250;
  }

  /** Spends `weight` units if they fit in what this process knows of the window. */
  consume(id: string, weight: number, now: number): RateLimitOutcome {
    const window = this.current(id, now);
    const used = window.known + window.unsent;
    const allowed = used + weight <= this.limit;
    if (allowed) {
      window.unsent += weight;
      this.schedule();
    }
    return outcome(this.limit, allowed ? used + weight : used, allowed, window.end, now);
  }

  /** Sends what was spent since the last sync, and learns the totals. */
  sync(): Promise<void> {
    this.syncing ??= this.send().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** Sends what is left (one try) and stops syncing. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.syncing;
    await this.send();
  }

  private current(id: string, now: number): LocalWindow {
    let window = this.windows.get(id);
    if (!window || now >= window.end) {
      if (this.windows.size >= PRUNE_ABOVE) this.prune(now);
      window = { ...windowAt(now, this.windowMs), known: 0, unsent: 0 };
      this.windows.set(id, window);
    }
    return window;
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, this.syncMs);
    // Limits alone never keep the process alive.
    this.timer.unref();
  }

  private async send(): Promise<void> {
    const sent: { window: LocalWindow; delta: number }[] = [];
    const changes: RateWindowChange[] = [];
    for (const [id, window] of this.windows) {
      if (window.unsent === 0) continue;
      sent.push({ window, delta: window.unsent });
      changes.push({
        key: counterKey(this.scope, id, window.start),
        delta: window.unsent,
        expiresAt: window.end,
      });
      // Still counted here while on its way.
      window.known += window.unsent;
      window.unsent = 0;
    }
    if (changes.length === 0) return;
    try {
      const totals = await this.counters.countRateWindows(changes);
      sent.forEach(({ window }, i) => {
        window.known = Math.max(window.known, totals[i] ?? 0);
      });
    } catch (error) {
      for (const { window, delta } of sent) {
        window.known -= delta;
        window.unsent += delta;
      }
      this.options.onSyncError?.(error);
      this.schedule();
    }
  }

  private prune(now: number): void {
    for (const [id, window] of this.windows) {
      if (now >= window.end && window.unsent === 0) this.windows.delete(id);
    }
  }
}
