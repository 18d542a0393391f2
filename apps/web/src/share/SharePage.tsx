import {
  DEFAULT_DOWNSAMPLE_POINTS,
  DEFAULT_GRID_MAX_WIDTH,
  DEFAULT_READ_LIMIT,
  type PushedRead,
} from '@bucketgrid/shared';
import type { AppRouter } from '@bucketgrid/trpc';
import type { inferRouterOutputs } from '@trpc/server';
import { type CSSProperties, useCallback, useEffect, useMemo, useState } from 'react';
import { ErrorState } from '../components/ErrorState.tsx';
import { DashboardGrid } from '../components/grid/DashboardGrid.tsx';
import { RangePicker } from '../components/grid/RangePicker.tsx';
import { Loading } from '../components/Loading.tsx';
import { DashboardContext } from '../hooks/useDashboard.ts';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { useTimeFormat } from '../hooks/useTimeFormat.ts';
import { describeError } from '../lib/errors.ts';
import { type GridReads, GridReadsProvider } from '../lib/grid-reads.tsx';
import type { LiveStatus } from '../lib/live-connection.ts';
import { type DashboardRange, rangeLabels } from '../lib/time-range.ts';
import { type Dashboard, trpc } from '../lib/trpc.ts';
import { PushedAnswers } from './pushed-answers.ts';
import { useShareLive } from './useShareLive.ts';

type Opened = inferRouterOutputs<AppRouter>['share']['open'];

/** A public share link's page: the dashboard's saved grid, read-only and live. */
export function SharePage({ token, wall }: { token: string; wall: boolean }) {
  const open = trpc.share.open.useQuery({ token }, { refetchOnWindowFocus: false });
  const [gone, setGone] = useState(false);
  const markGone = useCallback(() => setGone(true), []);
  useDocumentTitle(open.data?.dashboard.name, 'Shared');
  if (gone || describeError(open.error).code === 'share_link_not_found') return <Gone />;
  if (open.data === undefined) {
    return (
      <main className="page">
        {open.isError ? (
          <ErrorState error={open.error} onRetry={() => open.refetch()} />
        ) : (
          <Loading label="Loading the dashboard…" />
        )}
      </main>
    );
  }
  // A saved layout starts the grid afresh: its widgets, and so the reads pushed to it, changed.
  return (
    <SharedGrid
      key={open.data.layout.version}
      token={token}
      wall={wall}
      opened={open.data}
      onGone={markGone}
    />
  );
}

function Gone() {
  return (
    <main className="page share-gone">
      <h1>This link no longer works</h1>
      <p className="muted">
        It was revoked, replaced or has expired. Ask whoever shared it with you for a new one.
      </p>
    </main>
  );
}

const liveText: Record<LiveStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
};

function SharedGrid({
  token,
  wall,
  opened,
  onGone,
}: {
  token: string;
  wall: boolean;
  opened: Opened;
  onGone: () => void;
}) {
  const { dashboard, layout, range: policy } = opened;
  const utils = trpc.useUtils();
  const format = useTimeFormat();
  // A locked link's viewers all read the same: the server pushes the answers (pushed-answers.ts).
  const locked = !policy.allowRangeChange;
  const [pushedReads, setPushedReads] = useState<PushedRead[]>([]);
  const [answers] = useState(() => new PushedAnswers(setPushedReads));
  useEffect(() => () => answers.close(), [answers]);
  const status = useShareLive(
    token,
    dashboard.id,
    onGone,
    locked ? { answers, reads: pushedReads } : null,
  );
  const initial: DashboardRange = { kind: 'relative', name: policy.defaultRange };
  const [chosen, setRange] = useState<DashboardRange>(initial);
  const range = policy.allowRangeChange ? chosen : initial;
  const buckets = useMemo(
    () => new Map(opened.buckets.map((bucket) => [bucket.id, bucket])),
    [opened.buckets],
  );
  // The grid's widgets read only the page's dashboard id; the rest is not the viewer's.
  const context = useMemo(
    (): Dashboard => ({
      id: dashboard.id,
      name: dashboard.name,
      workspace: '',
      slug: '',
      retention: 0,
      createdAt: 0,
      role: 'user',
    }),
    [dashboard.id, dashboard.name],
  );
  const reads = useMemo((): GridReads => {
    const ask: GridReads = {
      downsample: ({ dashboardId: _, ...input }) =>
        utils.client.share.downsample.query({ token, ...input }),
      records: ({ dashboardId: _, ...input }) =>
        utils.client.share.records.query({ token, ...input }),
    };
    if (!locked) return ask;
    // The range is the server's: a read is its bucket, points and series (or order and limit).
    const pushedOr = async <T,>(read: PushedRead, asked: () => Promise<T>): Promise<T> => {
      const pushed = answers.fresh(read);
      if (pushed !== undefined) return pushed as T;
      const answer = await asked();
      answers.note(read);
      return answer;
    };
    return {
      downsample: (input) => {
        const { bucketId, series } = input;
        const points = typeof input.points === 'number' ? input.points : DEFAULT_DOWNSAMPLE_POINTS;
        return pushedOr({ kind: 'downsample', bucketId, points, series }, () =>
          ask.downsample(input),
        );
      },
      records: (input) => {
        if (input.cursor !== undefined) return ask.records(input);
        const { bucketId, order = 'asc' } = input;
        const limit = typeof input.limit === 'number' ? input.limit : DEFAULT_READ_LIMIT;
        return pushedOr({ kind: 'records', bucketId, order, limit }, () => ask.records(input));
      },
    };
  }, [utils, token, locked, answers]);
  const style = {
    '--content-max': `${layout.maxWidth ?? DEFAULT_GRID_MAX_WIDTH}px`,
  } as CSSProperties;

  return (
    <DashboardContext.Provider value={context}>
      <GridReadsProvider reads={reads}>
        <main
          className={wall ? 'wall' : 'page'}
          style={wall ? undefined : style}
          aria-label={`${dashboard.name} (shared)`}
        >
          <header className="wall-header share-header">
            <h1>{dashboard.name}</h1>
            {policy.allowRangeChange ? (
              <RangePicker
                range={chosen}
                defaultRange={policy.defaultRange}
                onChange={setRange}
                onReset={() => setRange(initial)}
              />
            ) : (
              <span className="muted" title="The dashboard sets this range for shared views.">
                {rangeLabels[policy.defaultRange]} · {format.zoneShort}
              </span>
            )}
            <span className="wall-header-end">
              <span className={`live live-${status}`} role="status">
                <span className="live-dot" aria-hidden="true" />
                {liveText[status]}
              </span>
            </span>
          </header>
          {layout.widgets.length === 0 ? (
            <p className="muted">This dashboard has no widgets yet.</p>
          ) : (
            <DashboardGrid
              widgets={layout.widgets}
              buckets={buckets}
              range={range}
              widgetButtons={!wall}
              onZoom={(from, to) => {
                if (policy.allowRangeChange) setRange({ kind: 'absolute', from, to });
              }}
            />
          )}
        </main>
      </GridReadsProvider>
    </DashboardContext.Provider>
  );
}
