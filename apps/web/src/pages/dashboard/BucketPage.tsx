import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { BucketFacts } from '../../components/buckets/BucketFacts.tsx';
import { BucketTypeBadge } from '../../components/buckets/BucketTypeBadge.tsx';
import { ChartPanel } from '../../components/buckets/ChartPanel.tsx';
import { DeleteBucketForm } from '../../components/buckets/DeleteBucketForm.tsx';
import { EmptyBucket } from '../../components/buckets/EmptyBucket.tsx';
import { LiveIndicator } from '../../components/buckets/LiveIndicator.tsx';
import { PurgeBucketForm } from '../../components/buckets/PurgeBucketForm.tsx';
import { RecordsTable } from '../../components/buckets/RecordsTable.tsx';
import { RenameBucketForm } from '../../components/buckets/RenameBucketForm.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { SkeletonRows } from '../../components/SkeletonRows.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useLiveBucket } from '../../hooks/useLiveBucket.ts';
import { describeError } from '../../lib/errors.ts';
import { capabilities } from '../../lib/roles.ts';
import { trpc } from '../../lib/trpc.ts';

type OpenDialog = 'rename' | 'purge' | 'delete' | null;

export function BucketPage() {
  const { bucketId = '' } = useParams();
  const dashboard = useDashboard();
  const navigate = useNavigate();
  const can = capabilities(dashboard.role);
  const base = `/${dashboard.workspace}/${dashboard.slug}`;
  const bucket = trpc.buckets.get.useQuery({ dashboardId: dashboard.id, bucketId });
  const live = useLiveBucket(dashboard.id, bucketId);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const close = () => setDialog(null);

  const back = (
    <Link to={base} className="back-link">
      ← All buckets
    </Link>
  );
  if (bucket.isPending) return <SkeletonRows rows={4} label="Loading bucket" />;
  if (bucket.isError) {
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
  return (
    <section className="stack-lg" aria-labelledby="bucket-title">
      {back}
      <div className="section-header">
        <div className="bucket-title">
          <h2 id="bucket-title">{data.name}</h2>
          <BucketTypeBadge type={data.type} />
          <LiveIndicator status={live} />
        </div>
        {can.manageData && (
          <div className="actions">
            <button type="button" className="btn" onClick={() => setDialog('rename')}>
              Rename
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => setDialog('purge')}
              disabled={data.recordCount === 0}
            >
              Delete records
            </button>
            <button
              type="button"
              className="btn btn-danger-quiet"
              onClick={() => setDialog('delete')}
            >
              Delete bucket
            </button>
          </div>
        )}
      </div>
      <BucketFacts bucket={data} />
      {data.recordCount === 0 ? (
        <EmptyBucket bucket={data} />
      ) : (
        <>
          <ChartPanel bucket={data} />
          <RecordsTable bucket={data} />
        </>
      )}
      <Dialog open={dialog === 'rename'} title="Rename bucket" onClose={close}>
        <RenameBucketForm bucket={data} onDone={close} />
      </Dialog>
      <Dialog open={dialog === 'purge'} title="Delete all records" onClose={close}>
        <PurgeBucketForm bucket={data} onDone={close} />
      </Dialog>
      <Dialog open={dialog === 'delete'} title="Delete bucket" onClose={close}>
        <DeleteBucketForm bucket={data} onDeleted={() => navigate(base, { replace: true })} />
      </Dialog>
    </section>
  );
}
