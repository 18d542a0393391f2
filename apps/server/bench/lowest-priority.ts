import { writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Puts this process at the lowest priority, for a bench's stand-in for other machines (the
 * attacker of bench:reads, the viewers of bench:share): nice 19, and, where the kernel groups
 * processes by session (`sched_autogroup`), its group too. Nice alone orders threads only
 * within a group, groups share the cores equally and every thread's CPU counts against its
 * group's share: so the parent also starts the process in a session of its own
 * (`fork(…, { detached: true })`), and its CPU is not charged to anyone else's group.
 */
export function runAtLowestPriority(): void {
  setPriority(19);
  try {
    writeFileSync('/proc/self/autogroup', '19');
  } catch {
    // No autogroups here (another kernel, or turned off): nice 19 is what orders the threads.
  }
}
