/**
 * Fixed-window rate limiting: each id may spend `limit` units per window. Used per API key
 * (weighted by records) and per client address (for failed key attempts).
 */
export interface RateLimitOutcome {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private current(id: string, now: number) {
    let window = this.windows.get(id);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.sweep(now);
      window = { start: now - (now % this.windowMs), used: 0 };
      this.windows.set(id, window);
    }
    return window;
  }

  /** Spends `weight` units if they fit; a refused request spends nothing. */
  consume(id: string, weight: number, now: number): RateLimitOutcome {
    const window = this.current(id, now);
    const allowed = window.used + weight <= this.limit;
    if (allowed) window.used += weight;
    return this.outcome(window, allowed, now);
  }

  /**
   * Gives back units spent at `spentAt`, for callers that spend before they know whether the
   * request counts (spending first is what keeps concurrent requests from all passing a
   * check that none of them has counted yet). Units of an ended window are not given back.
   */
  refund(id: string, weight: number, spentAt: number): void {
    const window = this.windows.get(id);
    if (window && window.start === spentAt - (spentAt % this.windowMs)) {
      window.used = Math.max(0, window.used - weight);
    }
  }

  /** Whether `id` has units left, without spending any. */
  peek(id: string, now: number): RateLimitOutcome {
    const window = this.current(id, now);
    return this.outcome(window, window.used < this.limit, now);
  }

  private outcome(window: { start: number; used: number }, allowed: boolean, now: number) {
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.used),
      resetSeconds: Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)),
    };
  }

  /** Forgets windows that have ended, so memory stays bounded under many ids. */
  private sweep(now: number): void {
    for (const [id, window] of this.windows) {
      if (now - window.start >= this.windowMs) this.windows.delete(id);
    }
  }
}
