import type { Widget } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import { draftFromWidget, emptyDraft, widgetFromDraft } from './draft.ts';
import { widgetTypeNames } from './registry.ts';

const pos = { x: 0, y: 0, w: 6, h: 4 };

describe('widget drafts', () => {
  it('builds a valid widget of each type with the schema’s defaults', () => {
    const chart = widgetFromDraft(
      {
        ...emptyDraft('timeChart', 'b1'),
        series: [
          { sk: 1, axis: 'left' },
          { sk: 2, axis: 'right' },
        ],
      },
      'w1',
      pos,
    );
    expect(chart).toEqual({
      ok: true,
      widget: {
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
      },
    });
    const stat = widgetFromDraft(
      {
        ...emptyDraft('stat', 'b1'),
        series: [{ sk: 3, axis: 'left' }],
        thresholds: [{ value: '80', color: '#dc2626' }],
      },
      'w2',
      pos,
    );
    expect(stat.ok && stat.widget).toMatchObject({
      sk: 3,
      thresholds: [{ value: 80, color: '#dc2626' }],
    });
    expect(widgetFromDraft({ ...emptyDraft('text'), markdown: '# Hi' }, 'w3', pos).ok).toBe(true);
  });

  it('names the field that is wrong', () => {
    expect(widgetFromDraft(emptyDraft('barChart'), 'w', pos)).toEqual({
      ok: false,
      field: 'bucketId',
      message: 'Choose a bucket.',
    });
    expect(widgetFromDraft(emptyDraft('timeChart', 'b'), 'w', pos)).toEqual({
      ok: false,
      field: 'series',
      message: 'Choose at least one series.',
    });
    expect(widgetFromDraft(emptyDraft('stat', 'b'), 'w', pos)).toMatchObject({ field: 'series' });
    const badThreshold = widgetFromDraft(
      {
        ...emptyDraft('stat', 'b'),
        series: [{ sk: 1, axis: 'left' }],
        thresholds: [{ value: '', color: '#000000' }],
      },
      'w',
      pos,
    );
    expect(badThreshold).toMatchObject({ ok: false, field: 'thresholds' });
    expect(
      widgetFromDraft({ ...emptyDraft('text'), title: 'x'.repeat(101) }, 'w', pos),
    ).toMatchObject({
      ok: false,
      field: 'title',
    });
  });

  it('round-trips a saved widget through the form', () => {
    const widget: Widget = {
      id: 'w9',
      type: 'barChart',
      title: 'Cities',
      pos,
      bucketId: 'b2',
      series: [1, 4],
      limit: 12,
    };
    expect(widgetFromDraft(draftFromWidget(widget), 'w9', pos)).toEqual({ ok: true, widget });
  });

  it('round-trips a saved widget of every type in the registry through the form', () => {
    const saved: Widget[] = [
      {
        id: 'a',
        type: 'timeChart',
        title: 'Heat',
        pos,
        bucketId: 'b1',
        series: [
          { sk: 1, axis: 'left' },
          { sk: 2, axis: 'right' },
        ],
        style: 'area',
        stacked: true,
        stat: 'max',
        band: false,
        preset: 'low',
      },
      { id: 'b', type: 'barChart', title: '', pos, bucketId: 'b2', series: [3], limit: 7 },
      {
        id: 'c',
        type: 'stat',
        title: 'Now',
        pos,
        bucketId: 'b1',
        sk: 2,
        thresholds: [{ value: 30, color: '#dc2626' }],
        sparkline: false,
        showChange: true,
      },
      { id: 'd', type: 'table', title: '', pos, bucketId: 'b1', series: [], limit: 5 },
      { id: 'e', type: 'text', title: 'Read me', pos, markdown: '**hi**' },
    ];
    expect(saved.map((w) => w.type).sort()).toEqual([...widgetTypeNames].sort());
    for (const widget of saved) {
      expect(widgetFromDraft(draftFromWidget(widget), widget.id, pos)).toEqual({
        ok: true,
        widget,
      });
    }
  });
});
