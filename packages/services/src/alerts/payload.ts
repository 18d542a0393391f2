import type { AlertCondition, AlertState } from '@bucketgrid/shared';
import type { AlertRule } from '@bucketgrid/store';
import type { Announcement } from './step.ts';

export type AlertPayloadType =
  | 'alert.firing'
  | 'alert.resolved'
  | 'alert.test'
  | 'alert.storm_summary';

/**
 * The JSON body a webhook receives (docs/alerts.md, "Payload"); `id` is added when it is
 * sent (the notification's id, the same on every attempt). `text` is a one-line summary, what
 * Slack and email show.
 */
export interface AlertPayload {
  type: AlertPayloadType;
  /** When the change of state happened (ISO 8601, UTC). */
  at: string;
  dashboardId: string;
  rule: { id: string; name: string; condition: AlertCondition } | null;
  state: AlertState | null;
  previousState: AlertState | null;
  /** The value that decided the change (null: no data). */
  value: number | null;
  text: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function describeCondition(condition: AlertCondition): string {
  if (condition.kind === 'no_data') {
    const what = condition.seriesKey === undefined ? 'the bucket' : `series ${condition.seriesKey}`;
    return `no data from ${what} for ${condition.silence / 1000} s`;
  }
  const bound =
    condition.threshold2 === undefined
      ? `${condition.threshold}`
      : `${condition.threshold}…${condition.threshold2}`;
  return `${condition.aggregation} of series ${condition.seriesKey} over ${condition.window / 1000} s ${condition.comparison} ${bound}`;
}

export function announcementPayload(
  rule: AlertRule,
  announce: Announcement,
  previous: AlertState,
  value: number | null,
  at: number,
): AlertPayload {
  const firing = announce === 'firing';
  const shown = value === null ? 'no data' : `value ${value}`;
  return {
    type: firing ? 'alert.firing' : 'alert.resolved',
    at: iso(at),
    dashboardId: rule.dashboardId,
    rule: { id: rule.id, name: rule.name, condition: rule.condition },
    state: firing ? 'firing' : 'ok',
    previousState: previous,
    value,
    text: `${firing ? 'FIRING' : 'RESOLVED'}: ${rule.name} (${describeCondition(rule.condition)}; ${shown})`,
  };
}

export function testPayload(dashboardId: string, at: number): AlertPayload {
  return {
    type: 'alert.test',
    at: iso(at),
    dashboardId,
    rule: null,
    state: null,
    previousState: null,
    value: null,
    text: 'Test notification from Bucketgrid: this contact point works.',
  };
}

export function stormSummaryPayload(
  dashboardId: string,
  at: number,
  perHour: number,
): AlertPayload {
  const hourEnd = Math.floor(at / 3_600_000 + 1) * 3_600_000;
  return {
    type: 'alert.storm_summary',
    at: iso(at),
    dashboardId,
    rule: null,
    state: null,
    previousState: null,
    value: null,
    text: `More than ${perHour} notifications this hour: the rest are held back until ${iso(hourEnd)}. See the dashboard's Alerts tab.`,
  };
}
