import { Link } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import type { ApiKey } from '../../lib/trpc.ts';
import { DateTime } from '../DateTime.tsx';
import { ScrollHint } from '../ScrollHint.tsx';
import { TimeAgo } from '../TimeAgo.tsx';
import { KeyState } from './KeyState.tsx';
import { KeyTypeBadge } from './KeyTypeBadge.tsx';

export function ApiKeyList({ keys, selectedId }: { keys: ApiKey[]; selectedId?: string }) {
  const dashboard = useDashboard();
  if (keys.length === 0) {
    return (
      <div className="empty-state">
        <h2>No API keys yet</h2>
        <p>Create one to let a program write records to this dashboard's buckets.</p>
      </div>
    );
  }
  return (
    <ScrollHint>
      <table className="table">
        <caption className="visually-hidden">API keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Key</th>
            <th scope="col">Scope</th>
            <th scope="col">Created by</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id} className={key.id === selectedId ? 'selected' : undefined}>
              <td>
                <Link
                  to={`/${dashboard.workspace}/${dashboard.slug}/keys/${key.id}`}
                  aria-current={key.id === selectedId ? 'true' : undefined}
                >
                  {key.name}
                </Link>
              </td>
              <td>
                <KeyTypeBadge type={key.type} />
              </td>
              <td className="mono">{key.hint}…</td>
              <td>
                {key.summary}
                {key.bucketIds && (
                  <span className="muted">
                    {' '}
                    · {key.bucketIds.length} bucket{key.bucketIds.length === 1 ? '' : 's'}
                  </span>
                )}
              </td>
              <td>{key.createdBy?.name ?? <span className="muted">admin CLI</span>}</td>
              <td>
                <DateTime ms={key.createdAt} dateOnly />
              </td>
              <td>
                <TimeAgo ms={key.lastUsedAt} />
              </td>
              <td>
                <KeyState apiKey={key} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollHint>
  );
}
