import { useDashboard } from '../../hooks/useDashboard.ts';
import { trpc } from '../../lib/trpc.ts';
import { DateTime } from '../DateTime.tsx';
import { ErrorState } from '../ErrorState.tsx';
import { SkeletonRows } from '../SkeletonRows.tsx';

/** A rule's changes of state, newest first, with the value that decided each. */
export function AlertHistory({ ruleId }: { ruleId: string }) {
  const dashboard = useDashboard();
  const history = trpc.alerts.history.useQuery({ dashboardId: dashboard.id, ruleId });
  if (history.isPending) return <SkeletonRows rows={2} label="Loading history" />;
  if (history.isError)
    return <ErrorState error={history.error} onRetry={() => history.refetch()} />;
  if (history.data.length === 0) return <p className="muted">No change of state yet.</p>;
  return (
    <ol className="stack-sm" aria-label="History">
      {history.data.map((change) => (
        <li key={change.id}>
          <DateTime ms={change.at} />: {change.from} → {change.to} (
          {change.value === null ? 'no data' : `value ${change.value}`})
        </li>
      ))}
    </ol>
  );
}
