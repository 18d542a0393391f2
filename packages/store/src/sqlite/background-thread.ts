import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value of the store's own threads: below the event loop's (0), above idle (19). */
export const BACKGROUND_THREAD_NICE = 10;

/**
 * Lowers the calling thread's scheduling priority, so that a reader or backup thread running
 * a long step takes the CPU only when the event loop (which serves every request and write)
 * leaves it: on a two-core machine, two reader threads at full speed took both cores and cut
 * ingestion to a tenth. Linux schedules threads one by one, and names the calling thread in
 * /proc/thread-self; elsewhere a priority is the whole process's, so nothing changes there.
 */
export function lowerThisThreadsPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, BACKGROUND_THREAD_NICE);
  } catch {
    // No /proc (a sandbox) or not permitted: the thread runs at the process's priority.
  }
}
