import type { mongo } from 'mongoose';
import type { RateWindowChange, Store } from '../store.ts';
import type { Db } from './connection.ts';
import type { RateWindowDoc } from './models.ts';

/**
 * Rate-limit counters in the `rateWindows` collection: `$inc` with upsert is atomic per
 * counter across processes (the server retries an upsert that races another on the same
 * `_id`), and a TTL index removes each counter once its window has ended. A single change is
 * one findOneAndUpdate (the total just after it); several are one bulk write and one read
 * of the totals, two round trips however many (totals then as of that read).
 */
export function rateWindowMethods({ models }: Db): Pick<Store, 'countRateWindows'> {
  const collection = models.rateWindows.collection as unknown as mongo.Collection<RateWindowDoc>;
  return {
    async countRateWindows(changes) {
      if (changes.length === 0) return [];
      if (changes.length === 1) {
        // One change (a sign-in, a failed key): the total just after it, atomically.
        const [{ key, delta, expiresAt }] = changes as [RateWindowChange];
        const counted = await collection.findOneAndUpdate(
          { _id: key },
          { $inc: { n: delta }, $setOnInsert: { exp: new Date(expiresAt) } },
          { upsert: true, returnDocument: 'after', projection: { n: 1 } },
        );
        return [counted?.n ?? delta];
      }
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
