import type { RecordKey } from '@bucketgrid/shared';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { BucketFacts } from '../../components/buckets/BucketFacts.tsx';
import { BucketTypeBadge } from '../../components/buckets/BucketTypeBadge.tsx';
import { ChartPanel } from '../../components/buckets/ChartPanel.tsx';
import { BucketCsvActions } from '../../components/buckets/csv-import/BucketCsvActions.tsx';
import { DeleteBucketForm } from '../../components/buckets/DeleteBucketForm.tsx';
import { DeleteKeysForm } from '../../components/buckets/DeleteKeysForm.tsx';
import { DeleteRangeForm } from '../../components/buckets/DeleteRangeForm.tsx';
import { EarlyKeysHint } from '../../components/buckets/EarlyKeysHint.tsx';
import { EmptyBucket } from '../../components/buckets/EmptyBucket.tsx';
import { LiveIndicator } from '../../components/buckets/LiveIndicator.tsx';
import { PurgeBucketForm } from '../../components/buckets/PurgeBucketForm.tsx';
import { RecordsTable } from '../../components/buckets/RecordsTable.tsx';
import { RenameBucketForm } from '../../components/buckets/RenameBucketForm.tsx';
import { SeriesForm } from '../../components/buckets/SeriesForm.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { SkeletonRows } from '../../components/SkeletonRows.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { describeError } from '../../lib/errors.ts';
import { capabilities } from '../../lib/roles.ts';
import { trpc } from '../../lib/trpc.ts';

/**
 * A range dragged on the chart, in keys people can read and type: whole seconds for times
 * (what the confirmation shows is exactly what goes), the integers inside it for IV.
 */
function snapSelection(type: string, from: number, to: number): [number, number] {
  if (type === 'TSV') return [Math.floor(from / 1000) * 1000, Math.floor(to / 1000) * 1000];
  return [Math.ceil(from), Math.floor(to)];
}

type OpenDialog =
  | { kind: 'rename' | 'purge' | 'delete' }
  | { kind: 'delete-range'; range: { from: number; to: number } | null }
  | { kind: 'delete-keys'; keys: RecordKey[] }
  | null;

export function BucketPage() {
  const { bucketId = '' } = useParams();
  const dashboard = useDashboard();
  const navigate = useNavigate();
  const format = useTimeFormat();
  const can = capabilities(dashboard.role);
  const base = `/${dashboard.workspace}/${dashboard.slug}`;
  const bucket = trpc.buckets.get.useQuery({ dashboardId: dashboard.id, bucketId });
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  const [selection, setSelection] = useState<[number, number] | null>(null);
  const [chosenKeys, setChosenKeys] = useState<RecordKey[]>([]);
  const close = () => setDialog(null);
  useDocumentTitle(bucket.data?.name, dashboard.name);

  const back = (
    <Link to={`${base}/buckets`} className="back-link">
      ← All buckets
    </Link>
  );
  if (bucket.data === undefined) {
    if (bucket.isPending) return <SkeletonRows rows={4} label="Loading bucket" />;
    return (
      <div className="stack-lg">
        {back}
        {describeError(bucket.error).code === 'not_found' ? (
          <div className="empty-state">
            <h2>No such bucket</h2>
            <p>It may have been deleted.</p>
          </div>
        ) : (
          <ErrorState error={bucket.error} onRetry={() => bucket.refetch()} />
        )}
      </div>
    );
  }
  const data = bucket.data;
  const describeKey = (key: number) => (data.type === 'TSV' ? format.dateTime(key) : String(key));
  return (
    <section className="stack-lg" aria-labelledby="bucket-title">
      {back}
      <div className="section-header">
        <div className="bucket-title">
          <h2 id="bucket-title">{data.name}</h2>
          <BucketTypeBadge type={data.type} />
          <LiveIndicator />
        </div>
        {can.manageData && (
          <div className="actions">
            <button type="button" className="btn" onClick={() => setDialog({ kind: 'rename' })}>
              Rename
            </button>
            {data.type !== 'KV' && (
              <button
                type="button"
                className="btn"
                onClick={() => setDialog({ kind: 'delete-range', range: null })}
                disabled={data.recordCount === 0}
              >
                Delete a range…
              </button>
            )}
            <button
              type="button"
              className="btn"
              onClick={() => setDialog({ kind: 'purge' })}
              disabled={data.recordCount === 0}
            >
              Delete all records
            </button>
            <button
              type="button"
              className="btn btn-danger-quiet"
              onClick={() => setDialog({ kind: 'delete' })}
            >
              Delete bucket
            </button>
          </div>
        )}
      </div>
      <BucketFacts bucket={data} />
      <BucketCsvActions bucket={data} canImport={can.manageData} />
      <EarlyKeysHint
        bucket={data}
        canDelete={can.manageData}
        onShow={(range) => setZoom(range)}
        onDelete={(range) => setDialog({ kind: 'delete-range', range })}
      />
      {data.recordCount === 0 ? (
        <EmptyBucket bucket={data} />
      ) : (
        <>
          <ChartPanel
            bucket={data}
            zoom={zoom}
            onZoom={setZoom}
            onSelect={(from, to) => setSelection(snapSelection(data.type, from, to))}
          />
          {selection && (
            <section className="selection-bar" aria-label="Selected range">
              <span>
                Selected <strong>{describeKey(selection[0])}</strong> →{' '}
                <strong>{describeKey(selection[1])}</strong>
                {data.type === 'TSV' ? ` ${format.zoneShort}` : ''}
              </span>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  setZoom(selection);
                  setSelection(null);
                }}
              >
                Zoom in
              </button>
              {can.manageData && (
                <button
                  type="button"
                  className="btn btn-small btn-danger-quiet"
                  onClick={() =>
                    setDialog({
                      kind: 'delete-range',
                      range: { from: selection[0], to: selection[1] },
                    })
                  }
                >
                  Delete this range…
                </button>
              )}
              <button type="button" className="btn btn-small" onClick={() => setSelection(null)}>
                Clear
              </button>
            </section>
          )}
          <RecordsTable
            bucket={data}
            selected={chosenKeys}
            onSelect={setChosenKeys}
            onDeleteKeys={
              can.manageData ? (keys) => setDialog({ kind: 'delete-keys', keys }) : undefined
            }
          />
        </>
      )}
      {can.editGrid && <SeriesForm bucket={data} />}
      <Dialog open={dialog?.kind === 'rename'} title="Rename bucket" onClose={close}>
        <RenameBucketForm bucket={data} onDone={close} />
      </Dialog>
      <Dialog open={dialog?.kind === 'purge'} title="Delete all records" onClose={close}>
        <PurgeBucketForm bucket={data} onDone={close} />
      </Dialog>
      <Dialog open={dialog?.kind === 'delete'} title="Delete bucket" onClose={close}>
        <DeleteBucketForm
          bucket={data}
          onDeleted={() => navigate(`${base}/buckets`, { replace: true })}
        />
      </Dialog>
      <Dialog
        open={dialog?.kind === 'delete-range'}
        title="Delete a range of records"
        onClose={close}
        wide
      >
        {dialog?.kind === 'delete-range' && (
          <DeleteRangeForm
            bucket={data}
            initial={dialog.range}
            onDone={() => {
              setSelection(null);
              close();
            }}
          />
        )}
      </Dialog>
      <Dialog open={dialog?.kind === 'delete-keys'} title="Delete selected records" onClose={close}>
        {dialog?.kind === 'delete-keys' && (
          <DeleteKeysForm
            bucket={data}
            keys={dialog.keys}
            onDone={(deleted) => {
              if (deleted) setChosenKeys([]);
              close();
            }}
          />
        )}
      </Dialog>
    </section>
  );
}
