import type { AlertCondition } from '@bucketgrid/shared';

const duration = (ms: number) =>
  ms % 3_600_000 === 0
    ? `${ms / 3_600_000} h`
    : ms % 60_000 === 0
      ? `${ms / 60_000} min`
      : `${ms / 1000} s`;

/** A rule's condition in one line, as the server's notifications word it. */
export function describeCondition(condition: AlertCondition): string {
  if (condition.kind === 'no_data') {
    const what = condition.seriesKey === undefined ? 'the bucket' : `series ${condition.seriesKey}`;
    return `no data from ${what} for ${duration(condition.silence)}`;
  }
  const bound =
    condition.threshold2 === undefined
      ? `${condition.threshold}`
      : `${condition.threshold} and ${condition.threshold2}`;
  const held = condition.forMs > 0 ? `, for ${duration(condition.forMs)}` : '';
  return `${condition.aggregation} of series ${condition.seriesKey} over ${duration(condition.window)} ${condition.comparison} ${bound}${held}`;
}
