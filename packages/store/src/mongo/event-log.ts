import type { mongo } from 'mongoose';
import { type EventLog, EventLogHistoryLost } from '../event-log.ts';
import type { Db } from './connection.ts';
import { mapUnavailable } from './errors.ts';
import type { LiveEventsDoc } from './models.ts';

/** How long one poll of the change stream waits for new events before reporting it is idle. */
const IDLE_POLL_MS = 1_000;

/**
 * Server errors that mean the stream cannot resume from the position it was given: the
 * oplog no longer holds it (ChangeStreamHistoryLost), or the server cannot find it
 * (ChangeStreamFatalError).
 */
const HISTORY_LOST_CODES = new Set([280, 286]);

/**
 * The event log on MongoDB: each batch is one insert into the small `liveEvents` collection
 * (expired by a TTL index after about a minute), and every watching process follows that
 * collection's change stream. Watching this collection rather than the records means a
 * process sees each process's coalesced batches, a few a second, not every write of the
 * cluster. Positions are the stream's resume tokens; the oplog decides how far back a
 * resume can reach.
 */
export function mongoEventLog({ models }: Db): EventLog {
  const collection = models.liveEvents.collection as unknown as mongo.Collection<LiveEventsDoc>;
  /**
   * A stream ends when `liveEvents` (or its database) was dropped or renamed; the next append
   * creates the collection again, without the TTL index that expires its documents. Building
   * the indexes at the end (creating the collection if it is still missing) gives them back
   * without a restart; it is a no-op when they exist.
   */
  async function ended(reason: string): Promise<never> {
    await models.liveEvents.createIndexes().catch(() => {});
    throw new Error(`the live events stream ended (${reason})`);
  }
  return {
    async append(batch) {
      try {
        // One member's acknowledgement: a live event is a hint to refetch, not data, and a
        // change stream delivers it only once a majority has it anyway.
        await collection.insertOne(
          { origin: batch.origin, events: [...batch.events], at: new Date() },
          { writeConcern: { w: 1 } },
        );
      } catch (error) {
        throw mapUnavailable(error);
      }
    },

    async watch(after, watcher, signal) {
      if (signal.aborted) return;
      const stream = collection.watch<
        LiveEventsDoc,
        mongo.ChangeStreamInsertDocument<LiveEventsDoc>
      >([{ $match: { operationType: 'insert' } }], {
        maxAwaitTimeMS: IDLE_POLL_MS,
        // startAfter (unlike resumeAfter) also resumes after an invalidation (the collection
        // was dropped and is created again by the next append).
        ...(after === undefined ? {} : { startAfter: after as mongo.ResumeToken }),
      });
      const stop = () => void stream.close().catch(() => {});
      signal.addEventListener('abort', stop, { once: true });
      let opened = false;
      try {
        while (!signal.aborted) {
          // The driver resumes by itself through network errors and elections (once per
          // failure); what it cannot resume from comes out of here.
          const change = await stream.tryNext();
          if (signal.aborted) return;
          // A closed stream answers null at once, forever (the driver closes it after an
          // invalidation it could not resume from): an end, not an idle poll, or this loop
          // would never yield and the watchdog could never fire.
          if (change === null && stream.closed) await ended('closed');
          if (!opened) {
            opened = true;
            watcher.opened();
          }
          if (change?.operationType === 'insert') {
            const { origin, events } = change.fullDocument;
            watcher.batch({ origin, events }, stream.resumeToken);
          } else if (stream.resumeToken !== undefined) {
            watcher.idle(stream.resumeToken);
          }
          if (change !== null && change.operationType !== 'insert') {
            // An invalidation (the collection was dropped): this stream has ended. A new
            // watch starts after it, from the position just reported.
            await ended(change.operationType);
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'number' && HISTORY_LOST_CODES.has(code)) {
          throw new EventLogHistoryLost((error as Error).message);
        }
        throw mapUnavailable(error);
      } finally {
        signal.removeEventListener('abort', stop);
        await stream.close().catch(() => {});
      }
    },
  };
}
