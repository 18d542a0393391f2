import { useNavigate } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { trpc } from '../../lib/trpc.ts';
import { DangerConfirm } from '../DangerConfirm.tsx';

export function DeleteDashboardPanel() {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const remove = trpc.dashboards.delete.useMutation({
    async onSuccess() {
      await utils.dashboards.list.invalidate();
      navigate('/', { replace: true });
    },
  });
  return (
    <section className="card danger-zone stack" aria-labelledby="delete-dashboard-title">
      <h3 id="delete-dashboard-title">Delete this dashboard</h3>
      <DangerConfirm
        expected={dashboard.name}
        actionLabel="Delete dashboard"
        pendingLabel="Deleting…"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate({ dashboardId: dashboard.id })}
      >
        Deletes <strong>{dashboard.name}</strong> with all its buckets, records, API keys and
        memberships. Programs writing to it start getting errors at once. This cannot be undone.
      </DangerConfirm>
    </section>
  );
}
