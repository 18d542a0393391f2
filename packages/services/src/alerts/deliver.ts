import { NOTIFICATIONS_PER_CONTACT_POINT_PER_HOUR } from '@bucketgrid/shared';
import { type AlertNotification, type DeliveryAttempt, newId, type Store } from '@bucketgrid/store';
import { isMemberAddress, NOT_A_MEMBER } from './email-recipients.ts';
import { type AlertPayload, stormSummaryPayload } from './payload.ts';
import { type SendOptions, sendNotification } from './send.ts';

/** Notifications one delivery round attempts at most (in parallel). */
export const DELIVERIES_PER_ROUND = 50;
/** A notification is retried for this long after it was queued, then given up. */
export const DELIVERY_GIVE_UP_MS = 24 * 3_600_000;
/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 3_600_000;
/** The first retry's wait; each further one doubles it (up to MAX_RETRY_DELAY_MS). */
export const DEFAULT_RETRY_BASE_MS = 10_000;

const HOUR = 3_600_000;

/** What the operator sets about delivery (ALERT_WEBHOOK_ALLOW_PRIVATE; tests shorten retries). */
export interface AlertDeliverySettings {
  /** Let webhooks reach loopback, link-local and private addresses. */
  allowPrivate: boolean;
  /** The first retry's wait (DEFAULT_RETRY_BASE_MS). */
  retryBaseMs?: number;
  /** Notifications per contact point per clock hour (storm control). */
  perHour?: number;
}

export interface DeliveryOptions extends SendOptions, AlertDeliverySettings {
  store: Store;
}

/** The wait after the `attempts`-th failed attempt: base × 2^(attempts − 1), capped. */
export function retryDelay(attempts: number, baseMs = DEFAULT_RETRY_BASE_MS): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
}

/**
 * Attempts the notifications due now, each once: delivered, failed for good (a 4xx, a refused
 * address, email off), or retried later with exponential backoff until 24 hours after it was
 * queued. Every attempt is logged. Storm control: a contact point gets at most `perHour`
 * notifications per clock hour (counted across server processes); the next one becomes a
 * single summary, and the rest of the hour's are suppressed (logged, not sent).
 */
export async function deliverDue(
  options: DeliveryOptions,
  limit = DELIVERIES_PER_ROUND,
): Promise<number> {
  const { store, now } = options;
  const due = await store.dueNotifications(now(), limit);
  await Promise.all(due.map((notification) => deliverOne(options, notification)));
  return due.length;
}

/** How long a notification delivered at once is held from the delivery rounds. */
const DELIVER_NOW_HOLD_MS = 60_000;

/**
 * Queues a notification and attempts it at once ("send test"), returning the attempt. It is
 * queued first, due only a minute later: if this process stops before the attempt is noted,
 * a delivery round makes it then.
 */
export async function deliverNow(
  options: DeliveryOptions,
  notification: Omit<AlertNotification, 'status' | 'attempts'>,
): Promise<DeliveryAttempt> {
  const queued = { ...notification, nextAttemptAt: notification.createdAt + DELIVER_NOW_HOLD_MS };
  await options.store.enqueueNotification(queued);
  const attempt = await deliverOne(options, { ...queued, status: 'pending', attempts: 0 });
  if (!attempt) throw new Error('the contact point was deleted meanwhile');
  return attempt;
}

async function deliverOne(
  options: DeliveryOptions,
  notification: AlertNotification,
): Promise<DeliveryAttempt | null> {
  const { store, now } = options;
  const point = await store.getContactPoint(notification.dashboardId, notification.contactPointId);
  if (!point) return null;
  const at = now();
  const attempt = { notificationId: notification.id, contactPointId: point.id, at };
  const type = (notification.payload as unknown as AlertPayload).type;
  // Counted once, at the first attempt; retries and the summary itself do not count.
  if (notification.attempts === 0 && type !== 'alert.storm_summary') {
    const perHour = options.perHour ?? NOTIFICATIONS_PER_CONTACT_POINT_PER_HOUR;
    const hourStart = Math.floor(at / HOUR) * HOUR;
    const [count = 0] = await store.countRateWindows([
      {
        key: `alert-notifications:${point.id}:${hourStart}`,
        delta: 1,
        expiresAt: hourStart + HOUR,
      },
    ]);
    if (count > perHour) {
      if (count === perHour + 1) {
        await store.enqueueNotification({
          id: newId(),
          dashboardId: point.dashboardId,
          contactPointId: point.id,
          ruleId: null,
          payload: { ...stormSummaryPayload(point.dashboardId, at, perHour) },
          nextAttemptAt: at,
          createdAt: at,
        });
      }
      const suppressed: DeliveryAttempt = {
        ...attempt,
        httpStatus: null,
        outcome: 'suppressed',
        error: `storm control: over ${perHour} notifications this hour`,
        latencyMs: 0,
      };
      await store.recordDeliveryAttempt(suppressed, null);
      return suppressed;
    }
  }
  if (point.kind === 'email' && !(await isMemberAddress(store, point.dashboardId, point.target))) {
    const refused: DeliveryAttempt = {
      ...attempt,
      httpStatus: null,
      outcome: 'failed',
      error: NOT_A_MEMBER,
      latencyMs: 0,
    };
    await store.recordDeliveryAttempt(refused, null);
    return refused;
  }
  const result = await sendNotification(options, point, notification);
  let next: number | null = null;
  let { outcome } = result;
  if (outcome === 'retry') {
    next = at + retryDelay(notification.attempts + 1, options.retryBaseMs);
    if (next > notification.createdAt + DELIVERY_GIVE_UP_MS) {
      outcome = 'failed';
      next = null;
    }
  }
  const recorded: DeliveryAttempt = { ...attempt, ...result, outcome };
  await store.recordDeliveryAttempt(recorded, next);
  return recorded;
}
