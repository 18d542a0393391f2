import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { lowerThisThreadsPriority } from './background-thread.ts';
import type { ReaderReply, ReaderTask } from './reader-pool.ts';
import type { SqliteReadDb } from './reads.ts';
import { downsampleOn, readRecordsOn } from './reads.ts';
import { statementCache } from './statements.ts';

/**
 * One reader thread: its own read-only connection to the database file (WAL lets it read
 * while the server's connection writes), answering one task at a time with the store's own
 * read functions (reads.ts).
 */
const { path, timeoutMs } = workerData as { path: string; timeoutMs: number };
lowerThisThreadsPriority();
const db = new Database(path, { readonly: true, timeout: timeoutMs });
const connection: SqliteReadDb = { db, sql: statementCache(db) };

parentPort!.on('message', (task: ReaderTask) => {
  let reply: ReaderReply;
  try {
    const result =
      task.op === 'read'
        ? readRecordsOn(connection, task.bucket, task.query)
        : downsampleOn(connection, task.bucket, task.query);
    reply = { ok: true, result };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    reply = {
      ok: false,
      message: String(message ?? error),
      code: typeof code === 'string' ? code : undefined,
    };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage('ready');
