import type { mongo } from 'mongoose';
import type { Store } from '../store.ts';
import type { Db } from './connection.ts';
import type { RateWindowDoc } from './models.ts';

/**
 * Rate-limit counters in the `rateWindows` collection: `$inc` with upsert is atomic per
 * counter across processes (the server retries an upsert that races another on the same
 * `_id`), and a TTL index removes each counter once its window has ended. One bulk write
 * counts every change, one read returns the totals: two round trips however many change.
 */
export function rateWindowMethods({ models }: Db): Pick<Store, 'countRateWindows'> {
  const collection = models.rateWindows.collection as unknown as mongo.Collection<RateWindowDoc>;
  return {
    async countRateWindows(changes) {
      if (changes.length === 0) return [];
      await collection.bulkWrite(
        changes.map(({ key, delta, expiresAt }) => ({
          updateOne: {
            filter: { _id: key },
            update: { $inc: { n: delta }, $setOnInsert: { exp: new Date(expiresAt) } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
      const keys = [...new Set(changes.map((change) => change.key))];
      const found = await collection
        .find({ _id: { $in: keys } }, { projection: { n: 1 } })
        .toArray();
      const totals = new Map(found.map((doc) => [doc._id, doc.n]));
      // A counter the TTL monitor removed in between (its window had ended) counts as empty.
      return changes.map((change) => totals.get(change.key) ?? 0);
    },
  };
}
