import { AppError } from '@bucketgrid/shared';
import { ConcurrencyLimit } from './concurrency-limit.ts';

/**
 * Who a read is for, as the read limits count it: an API key (`key:<id>`), a member
 * (`user:<id>`), a share link (`share:<id>`): whatever principal a caller authenticated.
 */
export type ReadPrincipal = `${'key' | 'user' | 'share'}:${string}`;

export interface ReadLimitOptions {
  /** Reads one principal runs at once (the rest wait their turn). */
  concurrency: number;
  /** Reads one principal may have waiting; more are refused (rate_limited). */
  maxWaiting: number;
  /** Reads one principal may start per minute. */
  perMinute: number;
  now: () => number;
}

/**
 * Defaults (docs/architecture.md, "Limits and abuse"): one read at a time per principal keeps
 * the reader threads' heavy queue taking callers in turn however many reads one sends; 64
 * waiting lets a wall of widgets load in one go; 1,200 a minute is 20 a second, a dashboard of
 * 12 widgets refetching at each of its live events' (coalesced) ticks.
 */
export const DEFAULT_READ_LIMITS: Omit<ReadLimitOptions, 'now'> = {
  concurrency: 1,
  maxWaiting: 64,
  perMinute: 1_200,
};

/** Past this many principals, windows that have ended are forgotten (memory stays bounded). */
const PRUNE_ABOVE = 10_000;

/**
 * The read limits every read goes through (records and downsampled, REST and tRPC, share links):
 * per principal, a number of reads at once, a bounded queue behind them, and a rate per
 * minute, counted in this process (reads cost this process's reader threads, not a shared
 * resource, so each process bounds its own).
 */
export class ReadLimits {
  private readonly turns = new Map<string, { limit: ConcurrencyLimit; users: number }>();
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(private readonly options: ReadLimitOptions) {}

  async run<T>(principal: ReadPrincipal, read: () => Promise<T>): Promise<T> {
    this.spend(principal);
    let turn = this.turns.get(principal);
    if (!turn) {
      turn = {
        limit: new ConcurrencyLimit(
          this.options.concurrency,
          this.options.maxWaiting,
          `Too many reads at once (more than ${this.options.maxWaiting} waiting); wait for some to finish.`,
        ),
        users: 0,
      };
      this.turns.set(principal, turn);
    }
    turn.users += 1;
    try {
      return await turn.limit.run(read);
    } finally {
      turn.users -= 1;
      if (turn.users === 0) this.turns.delete(principal);
    }
  }

  private spend(principal: string): void {
    const now = this.options.now();
    const start = now - (now % 60_000);
    let window = this.windows.get(principal);
    if (!window || window.start !== start) {
      if (this.windows.size >= PRUNE_ABOVE) this.prune(start);
      window = { start, used: 0 };
      this.windows.set(principal, window);
    }
    if (window.used >= this.options.perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((start + 60_000 - now) / 1000));
      throw new AppError(
        'rate_limited',
        `More than ${this.options.perMinute} reads this minute. Retry in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
    window.used += 1;
  }

  private prune(current: number): void {
    for (const [principal, window] of this.windows) {
      if (window.start !== current) this.windows.delete(principal);
    }
  }
}
