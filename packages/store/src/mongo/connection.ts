import mongoose, { type ClientSession, type Connection, mongo } from 'mongoose';
import { StoreUnavailable } from '../store.ts';
import { createModels, type Models } from './models.ts';

/**
 * A 200 from the API must mean the data survives the loss of the primary and a crash of
 * the machine: acknowledged by a majority of the replica set and written to their journals.
 * (The driver's deprecated spelling of `journal` is `j`; both send `j: true` to the server.)
 * `wtimeoutMS` bounds the wait for the majority: past it the write fails with a write-concern
 * error (the store's StoreUnavailable) instead of hanging while a majority is down.
 */
function writeConcern(timeoutMs: number): mongo.WriteConcern {
  return new mongo.WriteConcern('majority', timeoutMs, true);
}

/**
 * Transactions read a majority-committed snapshot and commit with the durable write
 * concern. The driver leaves the write concern off the individual operations inside a
 * transaction (the server refuses it there) and applies this one to the commit, which
 * `maxCommitTimeMS` bounds on the server.
 */
function transactionOptions(timeoutMs: number): mongo.TransactionOptions {
  return {
    readConcern: { level: 'snapshot' },
    writeConcern: writeConcern(timeoutMs),
    readPreference: 'primary',
    maxCommitTimeMS: timeoutMs,
  };
}

export interface ConnectOptions {
  /**
   * How long one operation may wait on the deployment: for a primary to be selected, for a
   * majority to acknowledge, for a commit, for a transaction to be retried after conflicts.
   * (The driver's `timeoutMS` would be the one knob for all of these, but driver 7 ignores
   * it, so each wait gets its own bound.) The time the server spends on the work itself is
   * not bounded here: deleting a large bucket's records legitimately takes longer.
   */
  timeoutMs: number;
}

/** What the store's method groups share: the models and a way to run a transaction. */
export interface Db {
  conn: Connection;
  models: Models;
  /**
   * `maxTimeMS` for every query of a read: the server stops a read that runs longer than the
   * store's timeout (MaxTimeMSExpired, raised as StoreUnavailable) instead of working on for
   * an answer nobody waits for. The driver's `timeoutMS` would do this, but driver 7 ignores it.
   */
  readTimeMs: number;
  /**
   * Runs `fn` in a transaction and commits it, retrying the whole of `fn` on transient
   * errors (such as a write conflict with a concurrent transaction) as the driver's
   * `withTransaction` does, until the store's timeout has passed. `fn` must await every
   * operation it starts, pass `session` to each, and have no effect outside the database.
   */
  transaction<T>(fn: (session: ClientSession) => Promise<T>): Promise<T>;
}

/**
 * Connects on a connection of our own (never mongoose's global one), checks that the
 * deployment can run transactions, and creates the collections and indexes.
 */
export async function connect(url: string, { timeoutMs }: ConnectOptions): Promise<Db> {
  const conn = mongoose.createConnection(url, {
    // These override any `w`, `journal` or `readPreference` in the URL: durability and
    // read-your-writes are promises of the API, not deployment choices.
    writeConcern: writeConcern(timeoutMs),
    readPreference: 'primary',
    // Without a primary, an operation fails after this long instead of the driver's 30 s.
    serverSelectionTimeoutMS: timeoutMs,
    // Operations go to the driver (which waits for a server, bounded above) instead of
    // mongoose's own queue, whose timeout is separate and whose errors say less.
    bufferCommands: false,
  });
  const options = transactionOptions(timeoutMs);
  try {
    await conn.asPromise();
    await requireTransactions(conn);
    const models = await createModels(conn);
    return {
      conn,
      models,
      readTimeMs: timeoutMs,
      transaction(fn) {
        // The driver retries a conflicting transaction for up to 120 s; past the store's
        // timeout nobody waits for it, so the next attempt gives up instead.
        const deadline = Date.now() + timeoutMs;
        return conn.transaction((session) => {
          if (Date.now() > deadline) {
            throw new StoreUnavailable(`transaction retries took over ${timeoutMs} ms`);
          }
          return fn(session);
        }, options);
      },
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
