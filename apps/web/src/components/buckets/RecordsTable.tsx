import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { formatKey, formatValue } from '../../lib/format.ts';
import { type Bucket, trpc } from '../../lib/trpc.ts';
import { ErrorState } from '../ErrorState.tsx';
import { SkeletonRows } from '../SkeletonRows.tsx';

const PAGE_SIZE = 25;

/** Newest first for time series and integer keys, alphabetical for KV; paged by cursor. */
export function RecordsTable({ bucket }: { bucket: Bucket }) {
  const dashboard = useDashboard();
  const isKv = bucket.type === 'KV';
  // One cursor per page seen, so "back" needs no reverse query.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = trpc.buckets.records.useQuery(
    {
      dashboardId: dashboard.id,
      bucketId: bucket.id,
      order: isKv ? 'asc' : 'desc',
      limit: PAGE_SIZE,
      cursor: cursors.at(-1),
    },
    { placeholderData: keepPreviousData },
  );
  const records = page.data?.records ?? [];
  const seriesKeys = [...new Set(records.flatMap((r) => r.data.map((d) => d.series_key)))].sort(
    (a, b) => a - b,
  );
  const nextCursor = page.data?.nextCursor ?? null;

  return (
    <section className="card" aria-labelledby="records-title">
      <div className="card-header">
        <h3 id="records-title">Records</h3>
        <p className="muted">{isKv ? 'By key' : 'Newest first'}</p>
      </div>
      {page.isPending ? (
        <SkeletonRows label="Loading records" />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => page.refetch()} />
      ) : (
        <>
          <div className="table-wrap">
            <table className="table table-compact" aria-labelledby="records-title">
              <thead>
                <tr>
                  <th scope="col">{bucket.type === 'TSV' ? 'Time' : 'Key'}</th>
                  {seriesKeys.map((key) => (
                    <th key={key} scope="col" className="numeric">
                      Series {key}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {records.map((record) => {
                  const values = new Map(record.data.map((d) => [d.series_key, d.value]));
                  return (
                    <tr key={String(record.key)}>
                      <td className="mono">{formatKey(record.key, bucket.type)}</td>
                      {seriesKeys.map((key) => (
                        <td key={key} className="numeric mono">
                          {formatValue(values.get(key))}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Record pages">
            <button
              type="button"
              className="btn btn-small"
              disabled={cursors.length === 1}
              onClick={() => setCursors((list) => list.slice(0, -1))}
            >
              {isKv ? '← Previous' : '← Newer'}
            </button>
            <span className="muted">Page {cursors.length}</span>
            <button
              type="button"
              className="btn btn-small"
              disabled={nextCursor === null || page.isPlaceholderData}
              onClick={() => setCursors((list) => [...list, nextCursor ?? undefined])}
            >
              {isKv ? 'Next →' : 'Older →'}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
