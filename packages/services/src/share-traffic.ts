import { AppError } from '@bucketgrid/shared';
import type { ShareLinkViews, Store } from '@bucketgrid/store';

/**
 * Requests one public share link may answer per minute, over all its viewers and procedures
 * (opening, reads, live views), in this process: 500 a second. 200 viewers of a page of two
 * widgets refreshing once a second ask 400 (`pnpm bench:share`; at 100 a second they were
 * refused within seconds); a script hammering one link gets `429 rate_limited` past it, each
 * refusal one indexed lookup. Its reads also count in the link's read limits (read-limits.ts).
 */
export const SHARE_REQUESTS_PER_LINK_PER_MINUTE = 30_000;

/** Past this many links, windows that have ended are forgotten (memory stays bounded). */
const PRUNE_ABOVE = 10_000;

/**
 * What share links cost: their per-minute request budget, and their views (each opening of a
 * link's page), kept in memory and written in one batch every `flushEveryMs` so that a
 * viewer's visit never waits for a database write.
 */
export class ShareLinkTraffic {
  private readonly windows = new Map<string, { start: number; used: number }>();
  private pending = new Map<string, ShareLinkViews>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<Store, 'recordShareLinkViews'>,
    private readonly options: { perMinute: number; now: () => number; flushEveryMs?: number },
  ) {
    // A failed flush loses those counts (they are a statistic); it must not crash the server.
    this.timer = setInterval(
      () => void this.flush().catch(() => {}),
      options.flushEveryMs ?? 30_000,
    );
    this.timer.unref();
  }

  /** Spends one request of the link's minute, or throws `rate_limited`. */
  spend(linkId: string): void {
    const now = this.options.now();
    const start = now - (now % 60_000);
    let window = this.windows.get(linkId);
    if (!window || window.start !== start) {
      if (this.windows.size >= PRUNE_ABOVE) {
        for (const [id, each] of this.windows) if (each.start !== start) this.windows.delete(id);
      }
      window = { start, used: 0 };
      this.windows.set(linkId, window);
    }
    if (window.used >= this.options.perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((start + 60_000 - now) / 1000));
      throw new AppError(
        'rate_limited',
        `This share link answered ${this.options.perMinute} requests this minute, the most it may. Retry in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
    window.used += 1;
  }

  /** Counts one view of the link's page. */
  noteView(linkId: string): void {
    const at = this.options.now();
    const seen = this.pending.get(linkId);
    this.pending.set(linkId, { views: (seen?.views ?? 0) + 1, lastViewedAt: at });
  }

  /** The link's views and last view, with those counted here and not yet written. */
  withPendingViews<T extends { id: string; views: number; lastViewedAt: number | null }>(
    link: T,
  ): T {
    const seen = this.pending.get(link.id);
    if (!seen) return link;
    return {
      ...link,
      views: link.views + seen.views,
      lastViewedAt: Math.max(link.lastViewedAt ?? 0, seen.lastViewedAt),
    };
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    await this.store.recordShareLinkViews(batch);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
