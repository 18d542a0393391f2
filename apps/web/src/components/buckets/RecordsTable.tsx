import type { RecordKey } from '@bucketgrid/shared';
import { useState } from 'react';
import { useRecords } from '../../hooks/useBucketReads.ts';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { formatCount } from '../../lib/format.ts';
import { seriesDisplay } from '../../lib/series-display.ts';
import { needsMilliseconds, tableColumns } from '../../lib/table-format.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { ErrorState } from '../ErrorState.tsx';
import { ScrollHint } from '../ScrollHint.tsx';
import { SkeletonRows } from '../SkeletonRows.tsx';
import { RecordHeaderCells, RecordValueCells } from './RecordCells.tsx';

const PAGE_SIZE = 25;

interface Props {
  bucket: Bucket;
  /** Admins: rows get checkboxes, and the chosen keys can be deleted. */
  onDeleteKeys?: (keys: RecordKey[]) => void;
  /** Keys chosen for deletion, kept by the page so a finished delete can clear them. */
  selected: RecordKey[];
  onSelect: (keys: RecordKey[]) => void;
}

/** Newest first for time series and integer keys, alphabetical for KV; paged by cursor. */
export function RecordsTable({ bucket, onDeleteKeys, selected, onSelect }: Props) {
  const dashboard = useDashboard();
  const format = useTimeFormat();
  const isKv = bucket.type === 'KV';
  // One cursor per page seen, so "back" needs no reverse query.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = useRecords({
    dashboardId: dashboard.id,
    bucket,
    range: null,
    order: isKv ? 'asc' : 'desc',
    limit: PAGE_SIZE,
    cursor: cursors.at(-1),
  });
  const records = page.data?.records ?? [];
  const seriesKeys = [...new Set(records.flatMap((r) => r.data.map((d) => d.series_key)))].sort(
    (a, b) => a - b,
  );
  const columns = tableColumns(
    seriesKeys.map((sk, i) => seriesDisplay(bucket.series, sk, i)),
    records,
  );
  const withMs =
    bucket.type === 'TSV' && needsMilliseconds(records.map((record) => Number(record.key)));
  const nextCursor = page.data?.nextCursor ?? null;
  const chosen = new Set(selected.map(String));
  const pageKeys = records.map((record) => record.key);
  const allChosen = pageKeys.length > 0 && pageKeys.every((key) => chosen.has(String(key)));
  const keyText = (key: RecordKey) =>
    bucket.type !== 'TSV'
      ? String(key)
      : withMs
        ? format.dateTimeMs(Number(key))
        : format.dateTime(Number(key));

  const toggle = (key: RecordKey, on: boolean) =>
    onSelect(on ? [...selected, key] : selected.filter((k) => String(k) !== String(key)));
  const togglePage = (on: boolean) =>
    onSelect(
      on
        ? [...selected, ...pageKeys.filter((key) => !chosen.has(String(key)))]
        : selected.filter((k) => !pageKeys.some((key) => String(key) === String(k))),
    );

  return (
    <section className="card" aria-labelledby="records-title">
      <div className="card-header">
        <h3 id="records-title">Records</h3>
        <p className="muted">{isKv ? 'By key' : 'Newest first'}</p>
        {onDeleteKeys && selected.length > 0 && (
          <button
            type="button"
            className="btn btn-small btn-danger-quiet"
            onClick={() => onDeleteKeys(selected)}
          >
            Delete {formatCount(selected.length)} selected…
          </button>
        )}
      </div>
      {page.data === undefined ? (
        page.isError ? (
          <ErrorState error={page.error} onRetry={() => page.refetch()} />
        ) : (
          <SkeletonRows label="Loading records" />
        )
      ) : (
        <>
          <ScrollHint>
            <table className="table table-compact" aria-labelledby="records-title">
              <thead>
                <tr>
                  {onDeleteKeys && (
                    <th scope="col" className="select-cell">
                      <input
                        type="checkbox"
                        aria-label="Select every record on this page"
                        checked={allChosen}
                        onChange={(event) => togglePage(event.target.checked)}
                      />
                    </th>
                  )}
                  <RecordHeaderCells bucket={bucket} columns={columns} />
                </tr>
              </thead>
              <tbody>
                {records.map((record) => {
                  const isChosen = chosen.has(String(record.key));
                  return (
                    <tr key={String(record.key)} className={isChosen ? 'selected' : undefined}>
                      {onDeleteKeys && (
                        <td className="select-cell">
                          <input
                            type="checkbox"
                            aria-label={`Select ${keyText(record.key)}`}
                            checked={isChosen}
                            onChange={(event) => toggle(record.key, event.target.checked)}
                          />
                        </td>
                      )}
                      <td className="mono">{keyText(record.key)}</td>
                      <RecordValueCells record={record} columns={columns} />
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollHint>
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
