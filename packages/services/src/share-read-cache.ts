/**
 * Answers of public share links' reads, shared between their viewers for a moment. A locked
 * link's viewers all ask the same reads (the range is the server's, to the second), so 200
 * viewers refreshing at once cost one read, not 200. A key names how fresh the answer must
 * be besides the read (share-access.ts, `Freshness`), so a viewer told of a write always
 * gets it. Errors are not kept.
 */
export class ShareReadCache {
  private readonly answers = new Map<string, { until: number; answer: Promise<unknown> }>();

  constructor(
    private readonly options: {
      /** How long an answer is reused (by the process's own clock). */
      ttlMs: number;
      /** Answers held at most (the oldest go first). */
      maxEntries: number;
    },
  ) {}

  /** Answers held now. */
  get size(): number {
    return this.answers.size;
  }

  read<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = performance.now();
    const kept = this.answers.get(key);
    if (kept && kept.until > now) return kept.answer as Promise<T>;
    // Ended answers go at once: what is held is what was read in the last second.
    this.prune(now);
    const answer = read();
    const entry = { until: now + this.options.ttlMs, answer };
    this.answers.set(key, entry);
    answer.catch(() => {
      if (this.answers.get(key) === entry) this.answers.delete(key);
    });
    return answer;
  }

  private prune(now: number): void {
    for (const [key, entry] of this.answers) if (entry.until <= now) this.answers.delete(key);
    for (const key of this.answers.keys()) {
      if (this.answers.size < this.options.maxEntries) break;
      this.answers.delete(key);
    }
  }
}

/** Reused for a second: the share page's own refresh pace (apps/web/src/share/useShareLive.ts). */
export const SHARE_READ_CACHE_MS = 1_000;
/**
 * Answers held at most. A downsampled answer is at most about 4 MB (READ_FIGURES_BUDGET), most
 * far less; each is held a second, while it is also being sent.
 */
export const SHARE_READ_CACHE_ENTRIES = 64;
