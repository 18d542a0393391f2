import { Worker } from 'node:worker_threads';
import type { BackupResult } from './backup.ts';

type Reply = { ok: true; result: BackupResult } | { ok: false; message: string };

/**
 * `backupSqlite` on a thread of its own, for the server: the copy is one SQLite step (one read
 * transaction, see backup.ts), which on the event loop would stall every request for the whole
 * copy (about a second per 100 MB). On its own thread and connection it costs the event loop
 * nothing, and WAL lets the server keep writing meanwhile.
 */
export function backupSqliteOffThread(
  databasePath: string,
  outPath: string,
): Promise<BackupResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./backup-thread.js', import.meta.url), {
      workerData: { databasePath, outPath },
    });
    let replied = false;
    worker.once('message', (reply: Reply) => {
      replied = true;
      if (reply.ok) resolve(reply.result);
      else reject(new Error(reply.message));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!replied) reject(new Error(`the backup thread stopped (exit code ${code})`));
    });
  });
}
