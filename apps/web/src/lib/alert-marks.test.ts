import type { AlertCondition, AlertState, Widget } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import { chartThresholds, isFiring, rulesWatching } from './alert-marks.ts';
import type { AlertRule } from './trpc.ts';

function rule(
  name: string,
  condition: AlertCondition,
  state: AlertState | null,
  paused = false,
): AlertRule {
  return {
    id: name,
    dashboardId: 'd',
    name,
    condition,
    contactPointIds: [],
    paused,
    silencedUntil: null,
    version: 1,
    createdAt: 0,
    updatedAt: 0,
    state:
      state === null
        ? null
        : { ruleId: name, state, since: 0, lastValue: 1, evaluatedAt: 0, version: 1 },
  };
}

const pos = { x: 0, y: 0, w: 6, h: 4 };
const above = (bucketId: string, seriesKey: number, threshold: number) =>
  ({
    kind: 'threshold',
    bucketId,
    seriesKey,
    aggregation: 'avg',
    window: 60_000,
    comparison: 'above',
    threshold,
    forMs: 0,
  }) as const;
const chart: Extract<Widget, { type: 'timeChart' }> = {
  id: 'w1',
  type: 'timeChart',
  title: '',
  pos,
  bucketId: 'b1',
  series: [
    { sk: 1, axis: 'left' },
    { sk: 2, axis: 'right' },
  ],
  style: 'line',
  stacked: false,
  stat: 'avg',
  band: false,
  preset: 'high',
};

describe('alert marks on widgets', () => {
  it('matches a rule to the widgets showing its bucket and series', () => {
    const hot = rule('hot', above('b1', 2, 30), 'firing');
    const other = rule('other series', above('b1', 3, 30), 'firing');
    const elsewhere = rule('other bucket', above('b2', 1, 30), 'firing');
    const silent = rule('silent', { kind: 'no_data', bucketId: 'b1', silence: 60_000 }, 'firing');
    const rules = [hot, other, elsewhere, silent];
    expect(rulesWatching(rules, chart).map((r) => r.name)).toEqual(['hot', 'silent']);
    const allSeries: Widget = {
      id: 'w2',
      type: 'table',
      title: '',
      pos,
      bucketId: 'b1',
      series: [],
      limit: 20,
    };
    expect(rulesWatching(rules, allSeries).map((r) => r.name)).toEqual([
      'hot',
      'other series',
      'silent',
    ]);
    const stat: Widget = {
      id: 'w3',
      type: 'stat',
      title: '',
      pos,
      bucketId: 'b1',
      sk: 3,
      thresholds: [],
      sparkline: true,
      showChange: true,
    };
    expect(rulesWatching(rules, stat).map((r) => r.name)).toEqual(['other series', 'silent']);
    const text: Widget = { id: 'w4', type: 'text', title: '', pos, markdown: 'hi' };
    expect(rulesWatching(rules, text)).toEqual([]);
  });

  it('marks only rules that fire and are not paused', () => {
    expect(isFiring(rule('a', above('b1', 1, 1), 'firing'))).toBe(true);
    expect(isFiring(rule('b', above('b1', 1, 1), 'firing', true))).toBe(false);
    expect(isFiring(rule('c', above('b1', 1, 1), 'pending'))).toBe(false);
    expect(isFiring(rule('d', above('b1', 1, 1), null))).toBe(false);
  });

  it('draws each threshold on the axis of the series its rule watches', () => {
    const range = rule(
      'range',
      { ...above('b1', 2, 10), comparison: 'outside', threshold2: 20 },
      'ok',
    );
    const paused = rule('paused', above('b1', 1, 5), 'firing', true);
    const silent = rule('silent', { kind: 'no_data', bucketId: 'b1', silence: 60_000 }, 'firing');
    const hot = rule('hot', above('b1', 1, 30), 'firing');
    expect(chartThresholds([range, paused, silent, hot], chart)).toEqual([
      { value: 10, axis: 'right', firing: false, rule: 'range' },
      { value: 20, axis: 'right', firing: false, rule: 'range' },
      { value: 30, axis: 'left', firing: true, rule: 'hot' },
    ]);
  });
});
