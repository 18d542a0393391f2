// The entry of a backup thread (backup-off-thread.ts). Plain JavaScript, so that Node starts it
// as it is whatever loader the parent runs under (tsx, vitest); it then runs the same backup as
// `cli backup` (backup.ts) through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { lowerThisThreadsPriority } = await import('./background-thread.ts');
lowerThisThreadsPriority();
const { backupSqlite } = await import('./backup.ts');
const { databasePath, outPath } = workerData;
try {
  parentPort.postMessage({ ok: true, result: await backupSqlite(databasePath, outPath) });
} catch (error) {
  parentPort.postMessage({ ok: false, message: String(error?.message ?? error) });
}
