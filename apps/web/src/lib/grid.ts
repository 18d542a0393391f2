import {
  GRID_COLUMNS,
  type GridPosition,
  MAX_WIDGET_HEIGHT,
  type Widget,
  type WidgetType,
} from '@bucketgrid/shared';
import { widgetTypes } from '../widgets/registry.ts';

/** Height of one grid row in CSS pixels; a widget of h rows is h × this plus the gaps. */
export const ROW_HEIGHT = 64;
export const GRID_MARGIN = 12;
/** Below this container width the grid becomes one column, widgets in (y, x) order. */
export const ONE_COLUMN_BELOW_PX = 720;

export interface GridItem {
  i: string;
  x: number;
  y: number;
  w: number;
  h: number;
  minW: number;
  minH: number;
  maxH: number;
}

/** The grid library's layout for the widgets (ids as item keys). */
export function layoutItems(widgets: readonly Widget[]): GridItem[] {
  return widgets.map((widget) => {
    const size = widgetTypes[widget.type].size;
    return {
      i: widget.id,
      ...widget.pos,
      minW: size.minW,
      minH: size.minH,
      maxH: MAX_WIDGET_HEIGHT,
    };
  });
}

/** The widgets with the positions the grid reports (moved, resized, compacted). */
export function applyLayout(
  widgets: readonly Widget[],
  items: readonly Pick<GridItem, 'i' | 'x' | 'y' | 'w' | 'h'>[],
): Widget[] {
  const byId = new Map(items.map((item) => [item.i, item]));
  let changed = false;
  const next = widgets.map((widget) => {
    const item = byId.get(widget.id);
    if (!item) return widget;
    const pos: GridPosition = {
      x: Math.max(0, Math.min(GRID_COLUMNS - 1, item.x)),
      y: Math.max(0, item.y),
      w: Math.max(1, Math.min(GRID_COLUMNS, item.w)),
      h: Math.max(1, Math.min(MAX_WIDGET_HEIGHT, item.h)),
    };
    pos.w = Math.min(pos.w, GRID_COLUMNS - pos.x);
    const same =
      pos.x === widget.pos.x &&
      pos.y === widget.pos.y &&
      pos.w === widget.pos.w &&
      pos.h === widget.pos.h;
    if (same) return widget;
    changed = true;
    return { ...widget, pos };
  });
  return changed ? next : (widgets as Widget[]);
}

/** Reading order: top to bottom, then left to right (the one-column phone layout). */
export function readingOrder(widgets: readonly Widget[]): Widget[] {
  return [...widgets].sort((a, b) => a.pos.y - b.pos.y || a.pos.x - b.pos.x);
}

function overlaps(a: GridPosition, b: GridPosition): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Where a new widget goes: the first free spot at its default size, top to bottom and left
 * to right, so widgets fill a row before starting the next.
 */
export function placeNew(widgets: readonly Widget[], type: WidgetType): GridPosition {
  const { w, h } = widgetTypes[type].size;
  const bottom = widgets.reduce((end, widget) => Math.max(end, widget.pos.y + widget.pos.h), 0);
  for (let y = 0; y <= bottom; y++) {
    for (let x = 0; x + w <= GRID_COLUMNS; x++) {
      const spot = { x, y, w, h };
      if (!widgets.some((widget) => overlaps(spot, widget.pos))) return spot;
    }
  }
  return { x: 0, y: bottom, w, h };
}

/** A fresh widget id (the schema allows 1–32 of [A-Za-z0-9_-]), unique in this layout. */
export function newWidgetId(
  widgets: readonly Widget[],
  random: () => number = Math.random,
): string {
  const taken = new Set(widgets.map((widget) => widget.id));
  for (;;) {
    const id = `w${Math.floor(random() * 36 ** 8)
      .toString(36)
      .padStart(8, '0')}`;
    if (!taken.has(id)) return id;
  }
}

/** Pixel height of a widget h rows tall (rows plus the gaps between them). */
export function widgetHeightPx(h: number): number {
  return h * ROW_HEIGHT + (h - 1) * GRID_MARGIN;
}
