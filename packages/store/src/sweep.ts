/**
 * Rows (SQLite) or documents (MongoDB) one upkeep step removes of deleted buckets: about as
 * much work as a retention trim (see sqlite/sweeper.ts, mongo/sweeper.ts).
 */
export const SWEEP_BATCH = 5_000;
