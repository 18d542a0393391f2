import type { Widget } from '@bucketgrid/shared';
import { useMemo, useRef } from 'react';
import ReactGridLayout from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import { useElementSize } from '../../hooks/useElementSize.ts';
import {
  applyLayout,
  GRID_MARGIN,
  layoutItems,
  ONE_COLUMN_BELOW_PX,
  ROW_HEIGHT,
  readingOrder,
  widgetHeightPx,
} from '../../lib/grid.ts';
import type { DashboardRange } from '../../lib/time-range.ts';
import type { Bucket } from '../../lib/trpc.ts';
import styles from './DashboardGrid.module.css';
import frameStyles from './WidgetFrame.module.css';
import { WidgetFrame } from './WidgetFrame.tsx';

interface Props {
  widgets: Widget[];
  /** The dashboard's buckets by id; undefined while they load. */
  buckets: Map<string, Bucket> | undefined;
  range: DashboardRange;
  /** Drag across a time chart: zoom the whole dashboard to that range. */
  onZoom: (from: number, to: number) => void;
  /** Edit mode: widgets move, resize, and show their Configure and Remove buttons. */
  editing?: {
    onChange: (widgets: Widget[]) => void;
    onConfigure: (widget: Widget) => void;
    onRemove: (widget: Widget) => void;
  };
  /** Grid row height; the wall screen stretches rows to fill the screen. */
  rowHeight?: number;
  /** Where a new alert rule on a widget's series is made (admins' grid); undefined: nowhere. */
  newRuleHref?: (widget: Widget) => string | undefined;
  /** Per-widget buttons (Download CSV, new alert rule); a wall screen has none: nobody clicks it. */
  widgetButtons?: boolean;
}

/**
 * The dashboard's widgets on a 12-column grid (react-grid-layout), or, on a narrow screen,
 * in one column in reading order. Moving and resizing exist only in edit mode.
 */
export function DashboardGrid({
  widgets,
  buckets,
  range,
  onZoom,
  editing,
  rowHeight = ROW_HEIGHT,
  newRuleHref,
  widgetButtons = true,
}: Props) {
  const container = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(container);
  const oneColumn = width > 0 && width < ONE_COLUMN_BELOW_PX;
  const items = useMemo(() => layoutItems(widgets), [widgets]);

  const frame = (widget: Widget) => (
    <WidgetFrame
      widget={widget}
      buckets={buckets}
      range={range}
      onZoom={onZoom}
      newRuleHref={newRuleHref?.(widget)}
      buttons={widgetButtons}
      onConfigure={editing ? () => editing.onConfigure(widget) : undefined}
      onRemove={editing ? () => editing.onRemove(widget) : undefined}
    />
  );

  return (
    <div
      ref={container}
      className={editing ? `${styles.area} ${styles.editing}` : styles.area}
      data-dashboard-grid
    >
      {oneColumn ? (
        <div className={styles.oneColumn}>
          {readingOrder(widgets).map((widget) => (
            <div
              key={widget.id}
              className={styles.cell}
              style={{ height: Math.min(widgetHeightPx(widget.pos.h), 420) }}
            >
              {frame(widget)}
            </div>
          ))}
        </div>
      ) : (
        width > 0 && (
          <ReactGridLayout
            layout={items}
            width={width}
            gridConfig={{
              cols: 12,
              rowHeight,
              margin: [GRID_MARGIN, GRID_MARGIN],
              containerPadding: [0, 0],
            }}
            dragConfig={{
              enabled: Boolean(editing),
              handle: `.${frameStyles.dragHandle}`,
              cancel: `.${frameStyles.actions}`,
            }}
            resizeConfig={{ enabled: Boolean(editing), handles: ['se'] }}
            onLayoutChange={(layout) => {
              if (editing) editing.onChange(applyLayout(widgets, layout));
            }}
          >
            {widgets.map((widget) => (
              <div key={widget.id} className={styles.cell}>
                {frame(widget)}
              </div>
            ))}
          </ReactGridLayout>
        )
      )}
    </div>
  );
}
