import type { Widget } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import { applyLayout, layoutItems, newWidgetId, placeNew, readingOrder } from './grid.ts';

const text = (id: string, x: number, y: number, w = 4, h = 2): Widget => ({
  id,
  type: 'text',
  title: '',
  markdown: id,
  pos: { x, y, w, h },
});

describe('grid layout', () => {
  const widgets = [text('b', 6, 0), text('c', 0, 2), text('a', 0, 0)];

  it('orders widgets top to bottom, then left to right, for one column', () => {
    expect(readingOrder(widgets).map((w) => w.id)).toEqual(['a', 'b', 'c']);
  });

  it('gives the grid library each widget with its minimum size', () => {
    expect(layoutItems([text('a', 1, 2, 3, 4)])).toEqual([
      { i: 'a', x: 1, y: 2, w: 3, h: 4, minW: 2, minH: 1, maxH: 24 },
    ]);
  });

  it('takes moves and resizes back, clamped to the 12 columns', () => {
    const moved = applyLayout(widgets, [
      { i: 'b', x: 10, y: 0, w: 4, h: 3 },
      { i: 'c', x: 0, y: 2, w: 4, h: 2 },
    ]);
    expect(moved[0]!.pos).toEqual({ x: 10, y: 0, w: 2, h: 3 });
    expect(moved[1]).toBe(widgets[1]);
    // Nothing moved: the same array, so nothing re-renders.
    expect(applyLayout(widgets, layoutItems(widgets))).toBe(widgets);
  });

  it('places a new widget in the first free spot, filling rows first', () => {
    expect(placeNew([], 'timeChart')).toEqual({ x: 0, y: 0, w: 6, h: 5 });
    // a: 0–3 and b: 6–9 on rows 0–1, c: 0–3 on rows 2–3.
    expect(placeNew(widgets, 'text')).toEqual({ x: 4, y: 2, w: 4, h: 3 });
    expect(placeNew([text('a', 0, 0, 6, 5)], 'timeChart')).toEqual({ x: 6, y: 0, w: 6, h: 5 });
  });

  it('makes ids the schema accepts and the layout does not have yet', () => {
    const values = [0, 0, 0.5];
    const id = newWidgetId([text('w00000000', 0, 0)], () => values.shift()!);
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(id).not.toBe('w00000000');
  });
});
