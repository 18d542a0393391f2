import { Link, Outlet, useParams } from 'react-router';
import { DashboardTabs } from '../components/dashboard/DashboardTabs.tsx';
import { ErrorState } from '../components/ErrorState.tsx';
import { RoleBadge } from '../components/RoleBadge.tsx';
import { SkeletonRows } from '../components/SkeletonRows.tsx';
import { AlertRulesProvider } from '../hooks/useAlertRules.tsx';
import { DashboardContext } from '../hooks/useDashboard.ts';
import { DashboardLive } from '../hooks/useDashboardLive.tsx';
import { describeError } from '../lib/errors.ts';
import { trpc } from '../lib/trpc.ts';
import { NotFoundPage } from './NotFoundPage.tsx';

/** Resolves `/:workspace/:dashboard` to the dashboard (and the viewer's role in it). */
export function useDashboardBySlug() {
  const params = useParams();
  const workspace = params.workspace ?? '';
  const slug = params.dashboard ?? '';
  return { workspace, query: trpc.dashboards.bySlug.useQuery({ workspace, slug }) };
}

/** `/:workspace/:dashboard`: resolves the path, then shows the tab the rest of the URL names. */
export function DashboardPage() {
  const { workspace, query: dashboard } = useDashboardBySlug();

  // A page that has its dashboard keeps it while the server is away (a refetch failed).
  if (dashboard.data === undefined) {
    if (dashboard.isPending) return <SkeletonRows rows={4} label="Loading dashboard" />;
    if (describeError(dashboard.error).code === 'not_found') {
      return (
        <NotFoundPage message="This dashboard does not exist, or you are not one of its members." />
      );
    }
    return <ErrorState error={dashboard.error} onRetry={() => dashboard.refetch()} />;
  }
  if (dashboard.isError && describeError(dashboard.error).code === 'not_found') {
    return (
      <NotFoundPage message="This dashboard does not exist, or you are not one of its members." />
    );
  }
  return (
    <DashboardContext.Provider value={dashboard.data}>
      <DashboardLive dashboardId={dashboard.data.id}>
        <AlertRulesProvider dashboardId={dashboard.data.id}>
          <div className="dashboard-header">
            <nav aria-label="Breadcrumb" className="breadcrumb">
              <Link to="/">Dashboards</Link>
              <span aria-hidden="true">/</span>
              <span className="muted">{workspace}</span>
            </nav>
            <div className="dashboard-title">
              <h1>{dashboard.data.name}</h1>
              <RoleBadge role={dashboard.data.role} />
            </div>
          </div>
          <DashboardTabs />
          <Outlet />
        </AlertRulesProvider>
      </DashboardLive>
    </DashboardContext.Provider>
  );
}
