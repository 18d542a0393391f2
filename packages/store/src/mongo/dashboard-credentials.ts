import type { Model } from 'mongoose';
import type { Activity } from '../store.ts';
import { writeActivity } from './activity.ts';
import type { Db } from './connection.ts';
import { mapDuplicateKey } from './errors.ts';
import { claimDashboard, requireUser } from './references.ts';

/**
 * What API keys and share links have in common on MongoDB: credentials a dashboard owns,
 * made by a user (or the CLI), found by the hash of their secret, with a use counter written
 * in batches.
 */
interface CredentialDoc {
  _id: string;
  dashboardId: string;
  createdBy: string | null;
}

/** Their models (mongoose's virtuals and helpers are none of these functions' business). */
// biome-ignore lint/suspicious/noExplicitAny: any query helpers, methods and virtuals
type CredentialModel<T> = Model<T, any, any, any>;

/**
 * Inserts a new credential with its activity entry (targeting the new id), in one
 * transaction that claims the dashboard, so that it never outlives it (see references.ts).
 */
export async function insertCredential<T extends CredentialDoc>(
  db: Db,
  model: CredentialModel<T>,
  doc: T,
  activity: Activity | undefined,
): Promise<void> {
  try {
    await db.transaction(async (session) => {
      await claimDashboard(db.models, session, doc.dashboardId);
      if (doc.createdBy !== null) await requireUser(db.models, doc.createdBy, session);
      await model.insertOne(doc as never, { session });
      await writeActivity(
        db.models,
        session,
        activity && { ...activity, target: { ...activity.target, id: doc._id } },
      );
    });
  } catch (error) {
    throw mapDuplicateKey(error, {});
  }
}

/** The credential with this id, or with this secret's hash (its field named), as `map` makes it. */
export async function findCredential<T extends CredentialDoc, R>(
  model: CredentialModel<T>,
  filter: { _id: string } | Record<string, string>,
  map: (doc: T) => R,
): Promise<R | null> {
  const doc = (await model.findOne(filter).lean()) as T | null;
  return doc ? map(doc) : null;
}

/**
 * Applies a batch of per-credential updates (uses counted, last use moved on) in one
 * unordered bulk write: one round trip however many credentials were used.
 */
export async function updateEach<T, V>(
  model: CredentialModel<T>,
  batch: Map<string, V>,
  update: (value: V) => Record<string, unknown>,
): Promise<void> {
  if (batch.size === 0) return;
  await model.bulkWrite(
    [...batch].map(([id, value]) => ({
      updateOne: { filter: { _id: id }, update: update(value) },
    })) as never,
    { ordered: false },
  );
}
