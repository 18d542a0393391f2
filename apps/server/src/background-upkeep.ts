import { performance } from 'node:perf_hooks';
import { type Store, wrapMethods } from '@bucketgrid/store';
import type { Logger } from './log.ts';

export interface UpkeepOptions {
  /** Share of wall time upkeep may take while the process is busy serving (0.05). */
  busyShare?: number;
  /** Share while the process is otherwise idle, e.g. after a bulk import (0.5). */
  idleShare?: number;
  /** Wait after a wake-up before the first step, so a burst of writes shares it (ms, 200). */
  wakeDelayMs?: number;
  /** With nothing to do, how often to look for work another process left (ms, 10 000). */
  idlePollMs?: number;
}

export interface BackgroundUpkeep {
  /** Something changed (a write, a deletion, a lower retention): run upkeep soon. */
  wake(): void;
  /** Stops, after the step in progress (if any) has finished. */
  stop(): Promise<void>;
}

/** Event-loop utilisation between steps above which the process counts as busy. */
const BUSY_UTILISATION = 0.5;

/**
 * Runs `store.maintain()` in the background (deleted buckets' records, retention backlogs,
 * stale aggregates), one bounded step at a time. While steps report more work, each is
 * followed by a pause that keeps upkeep to its share of the time: a small one while requests
 * keep the event loop busy, so ingestion keeps its throughput, a large one when nothing else
 * runs. With nothing left it sleeps until woken, or polls now and then for work left by other processes (the CLI, other
 * servers on the same MongoDB). Reads stay exact however far upkeep lags; only their speed
 * depends on it.
 */
export function startUpkeep(
  store: Store,
  logger: Logger,
  options: UpkeepOptions = {},
): BackgroundUpkeep {
  const busyShare = options.busyShare ?? 0.05;
  const idleShare = options.idleShare ?? 0.5;
  const wakeDelayMs = options.wakeDelayMs ?? 200;
  const idlePollMs = options.idlePollMs ?? 10_000;

  let timer: NodeJS.Timeout | undefined;
  let dueAt = Number.POSITIVE_INFINITY;
  let running: Promise<void> | undefined;
  let wokenWhileRunning = false;
  let stopped = false;
  let utilisation = performance.eventLoopUtilization();

  /** Runs a step in `ms`, unless one is due sooner already. */
  function schedule(ms: number): void {
    if (stopped || performance.now() + ms >= dueAt) return;
    clearTimeout(timer);
    dueAt = performance.now() + ms;
    timer = setTimeout(() => {
      timer = undefined;
      dueAt = Number.POSITIVE_INFINITY;
      running = step().finally(() => {
        running = undefined;
      });
    }, ms);
    // Upkeep alone never keeps the process alive.
    timer.unref();
  }

  async function step(): Promise<void> {
    // How busy the loop was since the last step ended: requests, not upkeep.
    const busy = performance.eventLoopUtilization(utilisation).utilization > BUSY_UTILISATION;
    wokenWhileRunning = false;
    const began = performance.now();
    let more = false;
    try {
      const result = await store.maintain();
      more = result.more;
    } catch (error) {
      logger('error', 'background upkeep failed', { error: (error as Error).message });
    }
    utilisation = performance.eventLoopUtilization();
    if (more) {
      const share = busy ? busyShare : idleShare;
      schedule(((performance.now() - began) * (1 - share)) / share);
    } else {
      schedule(wokenWhileRunning ? wakeDelayMs : idlePollMs);
    }
  }

  schedule(wakeDelayMs);
  return {
    wake() {
      if (running) wokenWhileRunning = true;
      else schedule(wakeDelayMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Store methods whose changes leave upkeep work behind. */
const CHANGES: ReadonlySet<string> = new Set<keyof Store>([
  'upsertRecords',
  'deleteRecords',
  'purgeRecords',
  'updateDashboard',
  'deleteBucket',
  'deleteDashboard',
]);

/** The store, calling `wake` whenever one of its changes above has settled. */
export function wakeAfterChanges(store: Store, wake: () => void): Store {
  return wrapMethods(store, (name, method) =>
    CHANGES.has(name)
      ? (...args) => {
          const result = method(...args) as Promise<unknown>;
          result.then(wake, wake);
          return result;
        }
      : undefined,
  );
}
