import mongoose, { type ClientSession, type Connection, mongo } from 'mongoose';
import { createModels, type Models } from './models.ts';

/**
 * A 200 from the API must mean the data survives the loss of the primary and a crash of
 * the machine: acknowledged by a majority of the replica set and written to their journals.
 * (The driver's deprecated spelling of `journal` is `j`; both send `j: true` to the server.)
 */
export const WRITE_CONCERN = new mongo.WriteConcern('majority', undefined, true);

/**
 * Transactions read a majority-committed snapshot and commit with the durable write
 * concern. The driver leaves the write concern off the individual operations inside a
 * transaction (the server refuses it there) and applies this one to the commit.
 */
const TRANSACTION_OPTIONS: mongo.TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: WRITE_CONCERN,
  readPreference: 'primary',
};

/** What the store's method groups share: the models and a way to run a transaction. */
export interface Db {
  conn: Connection;
  models: Models;
  /**
   * Runs `fn` in a transaction and commits it, retrying the whole of `fn` on transient
   * errors (such as a write conflict with a concurrent transaction) as the driver's
   * `withTransaction` does. `fn` must await every operation it starts, pass `session` to
   * each, and have no effect outside the database.
   */
  transaction<T>(fn: (session: ClientSession) => Promise<T>): Promise<T>;
}

/**
 * Connects on a connection of our own (never mongoose's global one), checks that the
 * deployment can run transactions, and creates the collections and indexes.
 */
export async function connect(url: string): Promise<Db> {
  const conn = mongoose.createConnection(url, {
    // These override any `w`, `journal` or `readPreference` in the URL: durability and
    // read-your-writes are promises of the API, not deployment choices.
    writeConcern: WRITE_CONCERN,
    readPreference: 'primary',
  });
  try {
    await conn.asPromise();
    await requireTransactions(conn);
    const models = await createModels(conn);
    return {
      conn,
      models,
      transaction: (fn) => conn.transaction(fn, TRANSACTION_OPTIONS),
    };
  } catch (error) {
    await conn.close().catch(() => {});
    throw error;
  }
}

/**
 * Writes are all or nothing through multi-document transactions, which MongoDB runs only
 * on a replica set or a sharded cluster (every production deployment and Atlas is one; a
 * single-node replica set will do for development). Refusing a standalone server here says
 * so at startup instead of failing the first write.
 */
async function requireTransactions(conn: Connection): Promise<void> {
  const hello = await conn.getClient().db('admin').command({ hello: 1 });
  if (typeof hello.setName === 'string' || hello.msg === 'isdbgrid') return;
  throw new Error(
    'The MongoDB store needs a replica set or a sharded cluster (it writes in transactions); ' +
      'this server is a standalone. Start mongod with --replSet (a single-node replica set ' +
      'is enough for development) or use the embedded SQLite store.',
  );
}
