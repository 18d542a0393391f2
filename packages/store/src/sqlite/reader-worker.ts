import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { recordsAsJson } from '../records-json.ts';
import { lowerThisThreadsPriority, threadCpuMs } from './background-thread.ts';
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

const utf8 = new TextEncoder();

parentPort!.on('message', (task: ReaderTask) => {
  let reply: ReaderReply;
  const transfer: ArrayBuffer[] = [];
  const cpuBefore = threadCpuMs();
  try {
    if (task.op === 'read') {
      const result = readRecordsOn(connection, task.bucket, task.query);
      if (task.json) {
        // As for a downsampled answer below.
        const page = recordsAsJson(result, task.json);
        transfer.push(page.records.buffer as ArrayBuffer);
        reply = { ok: true, result: page };
      } else reply = { ok: true, result };
    } else {
      const result = downsampleOn(connection, task.bucket, task.query);
      if (task.json) {
        // Serialised here, and the bytes moved, not copied: the event loop only writes them.
        const bytes = utf8.encode(JSON.stringify(result));
        transfer.push(bytes.buffer as ArrayBuffer);
        reply = { ok: true, result: bytes };
      } else reply = { ok: true, result };
    }
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    reply = {
      ok: false,
      message: String(message ?? error),
      code: typeof code === 'string' ? code : undefined,
    };
  }
  reply.cpuMs = threadCpuMs() - cpuBefore;
  parentPort!.postMessage(reply, transfer);
});
parentPort!.postMessage('ready');
