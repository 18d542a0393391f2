import type { Store } from '../store.ts';
import type { SqliteDb } from './connection.ts';

/** Expired counters one upkeep step removes. */
const EXPIRE_BATCH = 5_000;

/**
 * Rate-limit counters in the `rate_windows` table. Counting is a write: it joins the group
 * commit, so a batch of counts shares the commit (and fsync) of the writes around it.
 */
export function rateWindowMethods({ sql, groupCommit }: SqliteDb): Pick<Store, 'countRateWindows'> {
  return {
    countRateWindows: (changes) =>
      groupCommit.submit(() => {
        const add = sql(
          `INSERT INTO rate_windows (key, used, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET used = used + excluded.used RETURNING used`,
        ).pluck();
        return changes.map(({ key, delta, expiresAt }) => add.get(key, delta, expiresAt) as number);
      }),
  };
}

/** Upkeep: removes a batch of counters whose window has ended; says whether more remain. */
export function expireRateWindows({ sql }: SqliteDb, now: number): boolean {
  const { changes } = sql(
    `DELETE FROM rate_windows WHERE key IN
       (SELECT key FROM rate_windows WHERE expires_at <= ? LIMIT ?)`,
  ).run(now, EXPIRE_BATCH);
  return changes === EXPIRE_BATCH;
}
