import type { Widget } from '@bucketgrid/shared';
import type { AlertRule } from './trpc.ts';

/** A threshold a time chart draws: a rule's line on the axis of the series it watches. */
export interface ChartThreshold {
  value: number;
  axis: 'left' | 'right';
  firing: boolean;
  rule: string;
}

/** A rule that is being evaluated and is firing now (a paused rule keeps its state, unshown). */
export function isFiring(rule: AlertRule): boolean {
  return !rule.paused && rule.state?.state === 'firing';
}

/** The series a widget shows; null: all of its bucket's (a table without a series choice). */
function shownSeries(widget: Widget): number[] | null {
  switch (widget.type) {
    case 'timeChart':
      return widget.series.map((s) => s.sk);
    case 'barChart':
      return widget.series;
    case 'stat':
      return [widget.sk];
    case 'table':
      return widget.series.length > 0 ? widget.series : null;
    case 'text':
      return [];
  }
}

/**
 * The rules that watch what a widget shows: its bucket, and a series it shows (a rule on the
 * whole bucket, a no-data rule without a series, watches every widget of the bucket).
 */
export function rulesWatching(rules: readonly AlertRule[], widget: Widget): AlertRule[] {
  if (!('bucketId' in widget)) return [];
  const shown = shownSeries(widget);
  return rules.filter((rule) => {
    const { bucketId, seriesKey } = rule.condition;
    if (bucketId !== widget.bucketId) return false;
    return seriesKey === undefined || shown === null || shown.includes(seriesKey);
  });
}

/** The thresholds of the rules (not paused) on a time chart's series, on each series' axis. */
export function chartThresholds(
  rules: readonly AlertRule[],
  widget: Extract<Widget, { type: 'timeChart' }>,
): ChartThreshold[] {
  const thresholds: ChartThreshold[] = [];
  for (const rule of rulesWatching(rules, widget)) {
    const condition = rule.condition;
    if (rule.paused || condition.kind !== 'threshold') continue;
    const axis = widget.series.find((s) => s.sk === condition.seriesKey)?.axis ?? 'left';
    const firing = isFiring(rule);
    thresholds.push({ value: condition.threshold, axis, firing, rule: rule.name });
    if (condition.threshold2 !== undefined) {
      thresholds.push({ value: condition.threshold2, axis, firing, rule: rule.name });
    }
  }
  return thresholds;
}
