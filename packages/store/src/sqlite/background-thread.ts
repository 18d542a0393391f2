import { readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * The nice value of the store's own threads: the lowest (the event loop runs at 0). At 10, a
 * reader thread serialising heavy answers still cut ingestion to 0.52–0.73 × beside five heavy
 * readers on two cores; at 19, 0.76–0.87 × in the same benchmark (docs/performance.md).
 */
export const BACKGROUND_THREAD_NICE = 19;

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

/**
 * The CPU time the calling thread has used, in ms (Linux: /proc/thread-self/schedstat, a read
 * of some microseconds); elsewhere the wall clock, which also counts the time it waited for a
 * core. A reader thread at nice 19 waits long on a busy machine: beside ingestion, reads of
 * at most 1.5 ms of CPU took up to 30 ms on the clock (docs/performance.md, "Heavy reads
 * rest…").
 */
export function threadCpuMs(): number {
  if (process.platform === 'linux') {
    try {
      return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
    } catch {
      // No /proc (a sandbox): the wall clock below.
    }
  }
  return performance.now();
}
