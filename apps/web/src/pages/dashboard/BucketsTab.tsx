import { BucketList } from '../../components/buckets/BucketList.tsx';
import { CreateBucketForm } from '../../components/buckets/CreateBucketForm.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { SkeletonRows } from '../../components/SkeletonRows.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { capabilities } from '../../lib/roles.ts';
import { trpc } from '../../lib/trpc.ts';

export function BucketsTab() {
  const dashboard = useDashboard();
  useDocumentTitle('Buckets', dashboard.name);
  const can = capabilities(dashboard.role);
  const buckets = trpc.buckets.list.useQuery({ dashboardId: dashboard.id });
  return (
    <section aria-labelledby="buckets-title" className="stack-lg">
      <h2 id="buckets-title" className="visually-hidden">
        Buckets
      </h2>
      {can.manageData && <CreateBucketForm />}
      {buckets.isPending ? (
        <SkeletonRows label="Loading buckets" />
      ) : buckets.isError ? (
        <ErrorState error={buckets.error} onRetry={() => buckets.refetch()} />
      ) : (
        <BucketList buckets={buckets.data} canCreate={can.manageData} />
      )}
    </section>
  );
}
