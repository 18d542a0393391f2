import { useState } from 'react';
import { useParams } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { trpc } from '../../lib/trpc.ts';
import { ErrorState } from '../ErrorState.tsx';
import { SkeletonRows } from '../SkeletonRows.tsx';
import { ApiKeyList } from './ApiKeyList.tsx';
import { CreateKeyDialog } from './CreateKeyDialog.tsx';
import { KeyDetail } from './KeyDetail.tsx';

export function ApiKeysManager() {
  const dashboard = useDashboard();
  const { keyId } = useParams();
  const [creating, setCreating] = useState(false);
  const keys = trpc.apiKeys.list.useQuery({ dashboardId: dashboard.id });
  const selected = keys.data?.find((key) => key.id === keyId);

  return (
    <section className="stack-lg" aria-labelledby="keys-title">
      <div className="section-header">
        <div className="section-heading">
          <h2 id="keys-title">API keys</h2>
          <p className="muted">
            Programs send a key in the <code>X-API-Key</code> header to write to any bucket of this
            dashboard.
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          Create API key
        </button>
      </div>
      {keys.isPending ? (
        <SkeletonRows label="Loading API keys" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => keys.refetch()} />
      ) : (
        <ApiKeyList keys={keys.data} selectedId={keyId} />
      )}
      {selected ? (
        <KeyDetail key={selected.id} apiKey={selected} />
      ) : (
        keyId &&
        keys.data && (
          <div className="empty-state">
            <h2>No such key</h2>
            <p>It may belong to another dashboard.</p>
          </div>
        )
      )}
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}
