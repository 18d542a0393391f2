import { parseInterval } from '../backups/settings.ts';
import { type AlertUpkeepOptions, DEFAULT_ALERT_INTERVAL_MS } from './alert-upkeep.ts';

/** The shortest ALERT_INTERVAL: each round reads one aggregate per rule. */
export const MIN_ALERT_INTERVAL_MS = 1_000;
/** The longest: a rule's `for` and silence are counted in rounds of this. */
export const MAX_ALERT_INTERVAL_MS = 3_600_000;

/**
 * ALERT_INTERVAL (a duration such as 15s, 1m; default 15s) and ALERT_WEBHOOK_ALLOW_PRIVATE
 * (`1` lets webhooks reach loopback and private addresses). An Error says what to fix.
 */
export function alertSettingsFrom(env: NodeJS.ProcessEnv): AlertUpkeepOptions | Error {
  const text = env.ALERT_INTERVAL;
  const intervalMs = text ? parseInterval(text) : DEFAULT_ALERT_INTERVAL_MS;
  if (
    intervalMs === undefined ||
    intervalMs < MIN_ALERT_INTERVAL_MS ||
    intervalMs > MAX_ALERT_INTERVAL_MS
  ) {
    return new Error(
      `ALERT_INTERVAL "${text}" is not a duration between 1s and 1h: use a number and a unit, such as 15s or 1m.`,
    );
  }
  const allow = env.ALERT_WEBHOOK_ALLOW_PRIVATE ?? '';
  if (!['', '0', '1'].includes(allow)) {
    return new Error(
      `ALERT_WEBHOOK_ALLOW_PRIVATE must be 1 (allow) or 0 (refuse), not "${allow}".`,
    );
  }
  return { intervalMs, allowPrivate: allow === '1' };
}
