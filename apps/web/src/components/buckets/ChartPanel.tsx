import { keepPreviousData } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { toChartData } from '../../lib/chart-data.ts';
import { formatCount } from '../../lib/format.ts';
import { type Bucket, trpc } from '../../lib/trpc.ts';
import { ErrorState } from '../ErrorState.tsx';
import { BucketChart } from './BucketChart.tsx';

/** Time series and integer keys chart their latest records; KV charts its first keys as bars. */
const CHART_LIMIT = { TSV: 2000, IV: 2000, KV: 200 } as const;

export function ChartPanel({ bucket }: { bucket: Bucket }) {
  const dashboard = useDashboard();
  const isKv = bucket.type === 'KV';
  const records = trpc.buckets.records.useQuery(
    {
      dashboardId: dashboard.id,
      bucketId: bucket.id,
      order: isKv ? 'asc' : 'desc',
      limit: CHART_LIMIT[bucket.type],
    },
    { placeholderData: keepPreviousData },
  );
  const data = useMemo(() => {
    const rows = records.data?.records ?? [];
    return toChartData(isKv ? rows : [...rows].reverse(), bucket.type);
  }, [records.data, isKv, bucket.type]);

  const count = data.x.length;
  const more = records.data?.nextCursor != null;
  const which = isKv ? (more ? 'first' : 'all') : more ? 'latest' : 'all';
  const series = `${data.series.length} series`;
  const caption = `${which === 'all' ? 'All' : `The ${which}`} ${formatCount(count)} record${count === 1 ? '' : 's'} · ${series}`;

  return (
    <section className="card" aria-labelledby="chart-title">
      <div className="card-header">
        <h3 id="chart-title">Chart</h3>
        {records.data && <p className="muted">{caption}</p>}
      </div>
      {records.isPending ? (
        <div className="chart-placeholder skeleton" role="status" aria-label="Loading chart" />
      ) : records.isError ? (
        <ErrorState error={records.error} onRetry={() => records.refetch()} />
      ) : (
        <BucketChart
          data={data}
          type={bucket.type}
          description={`${isKv ? 'Bar' : 'Line'} chart: ${caption}`}
        />
      )}
    </section>
  );
}
