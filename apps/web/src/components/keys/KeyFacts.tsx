import type { ApiKey } from '../../lib/trpc.ts';
import { DateTime } from '../DateTime.tsx';
import { TimeAgo } from '../TimeAgo.tsx';
import { KeyState } from './KeyState.tsx';

export function KeyFacts({ apiKey }: { apiKey: ApiKey }) {
  return (
    <dl className="facts">
      <div>
        <dt>Key</dt>
        <dd className="mono">{apiKey.hint}…</dd>
      </div>
      <div>
        <dt>State</dt>
        <dd>
          <KeyState apiKey={apiKey} />
        </dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <DateTime ms={apiKey.createdAt} />
          {apiKey.createdBy && <span className="muted"> by {apiKey.createdBy.name}</span>}
        </dd>
      </div>
      <div>
        <dt>Last used</dt>
        <dd>
          <TimeAgo ms={apiKey.lastUsedAt} />
        </dd>
      </div>
      <div>
        <dt>{apiKey.state === 'expired' ? 'Expired' : 'Expires'}</dt>
        <dd>{apiKey.expiresAt === null ? 'never' : <DateTime ms={apiKey.expiresAt} />}</dd>
      </div>
      {apiKey.revokedAt !== null && (
        <div>
          <dt>Revoked</dt>
          <dd>
            <DateTime ms={apiKey.revokedAt} />
          </dd>
        </div>
      )}
    </dl>
  );
}
