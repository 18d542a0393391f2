import { useNow } from '../../hooks/useNow.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { formatRelative } from '../../lib/format.ts';
import type { ApiKey } from '../../lib/trpc.ts';
import { Badge } from '../Badge.tsx';

/** The key's state, and for an active key with an end date (a rolled one), when it stops. */
export function KeyState({ apiKey }: { apiKey: ApiKey }) {
  const now = useNow();
  const format = useTimeFormat();
  if (apiKey.state === 'revoked') return <Badge tone="danger">Revoked</Badge>;
  if (apiKey.state === 'expired') return <Badge tone="warning">Expired</Badge>;
  return (
    <span className="key-state">
      <Badge tone="success">Active</Badge>
      {apiKey.expiresAt !== null && (
        <span
          className="key-expiry"
          title={`${format.dateTime(apiKey.expiresAt)} ${format.zoneShort}`}
        >
          expires {formatRelative(apiKey.expiresAt, now)}
        </span>
      )}
    </span>
  );
}
