import { useState } from 'react';
import { Link } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { curlExample } from '../../lib/curl.ts';
import { capabilities } from '../../lib/roles.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { CodeBlock } from '../CodeBlock.tsx';

export function EmptyBucket({ bucket }: { bucket: Bucket }) {
  const dashboard = useDashboard();
  // Fixed at first render: the sample timestamp should not change while the user copies it.
  const [now] = useState(Date.now);
  const command = curlExample({
    origin: window.location.origin,
    bucketId: bucket.id,
    type: bucket.type,
    now,
  });
  return (
    <section className="card empty-bucket" aria-labelledby="empty-title">
      <h3 id="empty-title">No records yet</h3>
      <p>
        Send the first one from any terminal. This page updates by itself the moment it arrives.
      </p>
      <CodeBlock code={command} what="curl command" />
      <p className="muted">
        Set <code>BUCKETGRID_API_KEY</code> to a key of this dashboard
        {capabilities(dashboard.role).manageKeys ? (
          <>
            {' '}
            (create one under{' '}
            <Link to={`/${dashboard.workspace}/${dashboard.slug}/keys`}>API Keys</Link>).
          </>
        ) : (
          ' (owners and admins create them).'
        )}
      </p>
    </section>
  );
}
