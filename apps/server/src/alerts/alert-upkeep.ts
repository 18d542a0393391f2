import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  ALERT_RULES_PER_ROUND,
  type AlertDeliverySettings,
  deliverDue,
  evaluateRound,
  type Mailer,
} from '@bucketgrid/services';
import type { Store } from '@bucketgrid/store';
import type { Logger } from '../log.ts';

/** How often rules are evaluated by default (ALERT_INTERVAL). */
export const DEFAULT_ALERT_INTERVAL_MS = 15_000;
/** How often due notifications (new ones, retries) are looked for. */
const DELIVERY_TICK_MS = 1_000;
/** The least pause between two ticks, so that rounds longer than their interval leave room. */
const MIN_TICK_GAP_MS = 50;
/** Finished notifications, delivery attempts and changes of state are kept this long. */
export const ALERT_LOG_RETENTION_MS = 30 * 86_400_000;
const TRIM_BATCH = 1_000;

export interface AlertUpkeepOptions extends AlertDeliverySettings {
  /** Time between evaluation rounds (ms). */
  intervalMs?: number;
  /**
   * Called, after the round is stored, for each dashboard where a rule changed state: the
   * server publishes a live event so that its open views refetch the states at once.
   */
  onStatesChanged?: (dashboardId: string) => void;
}

export interface AlertUpkeep {
  stop(): Promise<void>;
}

/**
 * Alerts as part of the server's background upkeep: every `intervalMs` one evaluation round
 * (at most ALERT_RULES_PER_ROUND rules), and every second the notifications that are due.
 * Only the holder of the store's lease does either, so that with several server processes on
 * one MongoDB a change of state is evaluated, and announced, once. The lease lasts three
 * intervals (at least 30 s) and is renewed at half its life; a process that stops lets it
 * lapse and another takes over.
 */
export function startAlertUpkeep(
  store: Store,
  mailer: Mailer,
  logger: Logger,
  now: () => number,
  options: AlertUpkeepOptions,
): AlertUpkeep {
  const intervalMs = options.intervalMs ?? DEFAULT_ALERT_INTERVAL_MS;
  const leaseMs = Math.max(3 * intervalMs, 30_000);
  const holder = randomUUID();
  const delivery = { ...options, store, mailer, now };
  let heldUntil = 0;
  let nextRoundAt = 0;
  let cursor: string | null = null;
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function holdsLease(): Promise<boolean> {
    const at = now();
    if (heldUntil - at > leaseMs / 2) return true;
    heldUntil = (await store.takeAlertLease(holder, at, leaseMs)) ? at + leaseMs : 0;
    return heldUntil > at;
  }

  async function tick(): Promise<void> {
    if (!(await holdsLease())) return;
    if (now() >= nextRoundAt) {
      nextRoundAt = now() + intervalMs;
      const began = performance.now();
      const round = await evaluateRound(
        store,
        now(),
        cursor,
        ALERT_RULES_PER_ROUND,
        (ruleId, error) =>
          logger('warn', 'alert rule not evaluated', { ruleId, error: (error as Error).message }),
      );
      cursor = round.next;
      for (const dashboardId of round.changedDashboards) options.onStatesChanged?.(dashboardId);
      const ms = performance.now() - began;
      if (ms > intervalMs / 2) {
        logger('warn', 'alert evaluation round took over half its interval', { ...round, ms });
      }
      await store.trimAlertLog(now() - ALERT_LOG_RETENTION_MS, TRIM_BATCH);
    }
    await deliverDue(delivery);
  }

  /**
   * The next tick: in a second (deliveries), or sooner when the next round is due sooner, so
   * that rounds come every interval however long a round and its tick took (a tick a second
   * after the last one ended drifted by the tick's length each round); after a round longer
   * than its interval, after a short pause.
   */
  function nextTickIn(): number {
    const untilRound = heldUntil > now() ? nextRoundAt - now() : DELIVERY_TICK_MS;
    return Math.max(MIN_TICK_GAP_MS, Math.min(DELIVERY_TICK_MS, intervalMs, untilRound));
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) =>
          logger('error', 'alert upkeep failed', { error: (error as Error).message }),
        )
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, nextTickIn());
    timer.unref();
  }

  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      // The next process (a restart) evaluates at once rather than after the lease lapses.
      if (heldUntil > now()) await store.releaseAlertLease(holder);
    },
  };
}
