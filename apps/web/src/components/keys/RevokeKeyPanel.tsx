import { useDashboard } from '../../hooks/useDashboard.ts';
import { type ApiKey, trpc } from '../../lib/trpc.ts';
import { DangerConfirm } from '../DangerConfirm.tsx';
import { DateTime } from '../DateTime.tsx';

export function RevokeKeyPanel({ apiKey }: { apiKey: ApiKey }) {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const revoke = trpc.apiKeys.revoke.useMutation({
    onSuccess: () => utils.apiKeys.list.invalidate({ dashboardId: dashboard.id }),
  });
  if (apiKey.revokedAt !== null) {
    return (
      <p className="muted">
        This key was revoked on <DateTime ms={apiKey.revokedAt} />. Every request with it gets{' '}
        <code>401 revoked_api_key</code>.
      </p>
    );
  }
  return (
    <div className="danger-zone stack">
      <h4>Revoke this key</h4>
      <DangerConfirm
        expected={apiKey.name}
        actionLabel="Revoke key"
        pendingLabel="Revoking…"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoke.mutate({ dashboardId: dashboard.id, keyId: apiKey.id })}
      >
        Revoking is permanent and immediate: the next request with this key gets{' '}
        <code>401 revoked_api_key</code>. Programs using it stop writing until they get a new key.
      </DangerConfirm>
    </div>
  );
}
