import { ErrorState } from '../components/ErrorState.tsx';
import { SkeletonRows } from '../components/SkeletonRows.tsx';
import { CreateDashboardForm } from '../components/workspace/CreateDashboardForm.tsx';
import { DashboardList } from '../components/workspace/DashboardList.tsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { useMe } from '../hooks/useMe.ts';
import { trpc } from '../lib/trpc.ts';

export function WorkspacePage() {
  const me = useMe();
  useDocumentTitle('Dashboards');
  const dashboards = trpc.dashboards.list.useQuery();
  return (
    <>
      <div className="page-title">
        <h1>Dashboards</h1>
        <p className="muted">
          Your own and those shared with you. Your workspace is <code>/{me.workspace}</code>.
        </p>
      </div>
      <CreateDashboardForm />
      {dashboards.isPending ? (
        <SkeletonRows rows={2} label="Loading dashboards" />
      ) : dashboards.isError ? (
        <ErrorState error={dashboards.error} onRetry={() => dashboards.refetch()} />
      ) : (
        <DashboardList dashboards={dashboards.data} workspace={me.workspace} />
      )}
    </>
  );
}
