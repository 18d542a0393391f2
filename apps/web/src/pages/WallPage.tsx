import { useState } from 'react';
import { Link } from 'react-router';
import { LiveIndicator } from '../components/buckets/LiveIndicator.tsx';
import { ErrorState } from '../components/ErrorState.tsx';
import { DashboardGrid } from '../components/grid/DashboardGrid.tsx';
import { Loading } from '../components/Loading.tsx';
import { AlertRulesProvider, useAlertRules } from '../hooks/useAlertRules.tsx';
import { useBucketsById } from '../hooks/useBucketsById.ts';
import { DashboardContext, useDashboard } from '../hooks/useDashboard.ts';
import { DashboardLive, useLiveStatus } from '../hooks/useDashboardLive.tsx';
import { useDashboardRange } from '../hooks/useDashboardRange.ts';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { useLayout } from '../hooks/useLayout.ts';
import { useTimeFormat } from '../hooks/useTimeFormat.ts';
import { isFiring } from '../lib/alert-marks.ts';
import { describeError } from '../lib/errors.ts';
import { GRID_MARGIN, ROW_HEIGHT } from '../lib/grid.ts';
import { includesNow, rangeLabels } from '../lib/time-range.ts';
import { useDashboardBySlug } from './DashboardPage.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';

/** Smallest row on a wall screen; a tall layout scrolls rather than squeezing its widgets. */
const MIN_WALL_ROW_PX = 40;
const WALL_PADDING_PX = 16;

/**
 * `/:workspace/:dashboard/wall`: the grid alone, filling the screen, for a wall display that
 * runs for days. It keeps its last data through outages and reconnects by itself.
 */
export function WallPage() {
  const { query: dashboard } = useDashboardBySlug();
  useDocumentTitle(dashboard.data?.name, 'Wall');
  if (dashboard.data === undefined) {
    if (dashboard.isPending) return <Loading label="Loading the dashboard…" />;
    if (describeError(dashboard.error).code === 'not_found') {
      return (
        <main className="page">
          <NotFoundPage message="This dashboard does not exist, or you are not one of its members." />
        </main>
      );
    }
    return (
      <main className="page">
        <ErrorState error={dashboard.error} onRetry={() => dashboard.refetch()} />
      </main>
    );
  }
  return (
    <DashboardContext.Provider value={dashboard.data}>
      <DashboardLive dashboardId={dashboard.data.id}>
        <AlertRulesProvider dashboardId={dashboard.data.id}>
          <WallGrid />
        </AlertRulesProvider>
      </DashboardLive>
    </DashboardContext.Provider>
  );
}

function WallGrid() {
  const dashboard = useDashboard();
  const status = useLiveStatus();
  const format = useTimeFormat();
  const firing = useAlertRules().filter(isFiring).length;
  const layout = useLayout(dashboard.id);
  const buckets = useBucketsById(dashboard.id);
  const defaultRange = layout.data?.defaultRange ?? '24h';
  const { range, setRange } = useDashboardRange(defaultRange);
  const [viewportHeight] = useState(() => window.innerHeight);

  if (layout.data === undefined) {
    if (layout.isError) return <ErrorState error={layout.error} onRetry={() => layout.refetch()} />;
    return <Loading label="Loading the dashboard…" />;
  }
  const widgets = layout.data.widgets;
  const rows = widgets.reduce((bottom, w) => Math.max(bottom, w.pos.y + w.pos.h), 1);
  const fit = Math.floor(
    (viewportHeight - 2 * WALL_PADDING_PX - 40 - (rows - 1) * GRID_MARGIN) / rows,
  );
  const rowHeight = Math.max(MIN_WALL_ROW_PX, Math.min(fit, ROW_HEIGHT * 2));
  const base = `/${dashboard.workspace}/${dashboard.slug}`;
  return (
    <main className="wall" aria-label={`${dashboard.name} (wall screen)`}>
      <header className="wall-header">
        <h1>{dashboard.name}</h1>
        <span className="muted">
          {range.kind === 'relative'
            ? rangeLabels[range.name]
            : `${format.dateTime(range.from)} → ${format.dateTime(range.to)}`}{' '}
          · {format.zoneShort}
        </span>
        <span className="wall-header-end">
          {firing > 0 && (
            <span className="badge badge-danger" role="status">
              {firing === 1 ? '1 alert firing' : `${firing} alerts firing`}
            </span>
          )}
          {(status !== 'live' || !includesNow(range, Date.now())) && (
            <LiveIndicator range={range} />
          )}
          <Link className="wall-exit" to={`${base}${window.location.search}`}>
            Exit
          </Link>
        </span>
      </header>
      {widgets.length === 0 ? (
        <p className="muted">This dashboard has no widgets yet.</p>
      ) : (
        <DashboardGrid
          widgets={widgets}
          buckets={buckets}
          range={range}
          rowHeight={rowHeight}
          widgetButtons={false}
          onZoom={(from, to) => setRange({ kind: 'absolute', from, to })}
        />
      )}
    </main>
  );
}
