import { useDashboard } from '../../hooks/useDashboard.ts';
import { formatCount } from '../../lib/format.ts';
import { trpc } from '../../lib/trpc.ts';
import { DangerConfirm } from '../DangerConfirm.tsx';
import { SkeletonRows } from '../SkeletonRows.tsx';

interface Props {
  retention: number;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}

/** How many records each bucket loses at the lower retention (its oldest), before saving it. */
export function RetentionLoss({ retention, pending, error, onConfirm, onCancel }: Props) {
  const dashboard = useDashboard();
  const buckets = trpc.buckets.list.useQuery({ dashboardId: dashboard.id });
  if (buckets.data === undefined) return <SkeletonRows rows={2} label="Counting records" />;
  const losing = buckets.data
    .map((bucket) => ({ bucket, lost: Math.max(0, bucket.recordCount - retention) }))
    .filter(({ lost }) => lost > 0);
  const total = losing.reduce((sum, { lost }) => sum + lost, 0);
  return (
    <DangerConfirm
      actionLabel={total > 0 ? `Lower it and delete ${formatCount(total)} records` : 'Lower it'}
      pendingLabel="Saving…"
      pending={pending}
      error={error}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      Each bucket will keep at most <strong>{formatCount(retention)}</strong> records.{' '}
      {losing.length === 0 ? (
        'No bucket holds more than that now, so nothing is deleted.'
      ) : (
        <>
          Its oldest records past that are deleted right away; this cannot be undone:
          <span className="retention-loss">
            {losing.map(({ bucket, lost }) => (
              <span key={bucket.id}>
                <strong>{bucket.name}</strong> loses {formatCount(lost)} of{' '}
                {formatCount(bucket.recordCount)}
              </span>
            ))}
          </span>
        </>
      )}
    </DangerConfirm>
  );
}
