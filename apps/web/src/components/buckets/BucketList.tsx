import { Link } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { formatCount } from '../../lib/format.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { ScrollHint } from '../ScrollHint.tsx';
import { TimeAgo } from '../TimeAgo.tsx';
import { BucketTypeBadge } from './BucketTypeBadge.tsx';

export function BucketList({ buckets, canCreate }: { buckets: Bucket[]; canCreate: boolean }) {
  const dashboard = useDashboard();
  if (buckets.length === 0) {
    return (
      <div className="empty-state">
        <h2>No buckets yet</h2>
        <p>
          {canCreate
            ? 'A bucket holds the records your programs send. Create one above.'
            : 'An owner or admin of this dashboard can create the first one.'}
        </p>
      </div>
    );
  }
  return (
    <ScrollHint>
      <table className="table">
        <caption className="visually-hidden">Buckets</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col" className="numeric">
              Records
            </th>
            <th scope="col">Last write</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((bucket) => (
            <tr key={bucket.id}>
              <td>
                <Link to={`/${dashboard.workspace}/${dashboard.slug}/buckets/${bucket.id}`}>
                  {bucket.name}
                </Link>
              </td>
              <td>
                <BucketTypeBadge type={bucket.type} />
              </td>
              <td className="numeric">{formatCount(bucket.recordCount)}</td>
              <td>
                <TimeAgo ms={bucket.lastWriteAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollHint>
  );
}
