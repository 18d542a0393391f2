/** A change to a rate-limit counter: see `Store.countRateWindows`. */
export interface RateWindowChange {
  /** The counter, named by the caller (what is limited, for whom, in which window). */
  key: string;
  /** Added to the counter; negative gives units back. */
  delta: number;
  /** When the counter's window ends (ms): the store may forget it from then on. */
  expiresAt: number;
}

/** Counters that every server process of a deployment shares (rate limits). */
export interface RateWindowStore {
  /**
   * Adds each change's delta to its counter (a counter not seen before starts at 0), each
   * atomically whichever process of the deployment counts, and returns the counters' totals
   * in order: how rate limits hold across server processes. The keys of one call are
   * distinct. A call with one change gets the total just after it; with several, totals at
   * least that large (MongoDB reads them after the whole batch). Expired counters are
   * removed in the background (`maintain` on SQLite, a TTL index on MongoDB).
   */
  countRateWindows(changes: readonly RateWindowChange[]): Promise<number[]>;
}
