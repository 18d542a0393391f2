import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { usePrefetchDashboard } from '../../hooks/usePrefetchDashboard.ts';
import { trpc } from '../../lib/trpc.ts';
import { ErrorState } from '../ErrorState.tsx';
import { Loading } from '../Loading.tsx';

/** Shows its pages to signed-in users; sends visitors to sign in and back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = trpc.auth.me.useQuery();
  const location = useLocation();
  usePrefetchDashboard();
  if (me.isPending) return <Loading label="Loading Bucketgrid…" />;
  // A failed refetch (the server restarting) keeps the signed-in pages and their data.
  if (me.isError && me.data === undefined) {
    return (
      <main className="page">
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      </main>
    );
  }
  if (!me.data) {
    const next = `${location.pathname}${location.search}`;
    const to = next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`;
    return <Navigate to={to} replace />;
  }
  return children;
}
