import { useDashboard } from '../../hooks/useDashboard.ts';
import { formatCount } from '../../lib/format.ts';
import { type Bucket, trpc } from '../../lib/trpc.ts';
import { DangerConfirm } from '../DangerConfirm.tsx';
import { useRecordsDeleted } from './useRecordsDeleted.ts';

export function PurgeBucketForm({ bucket, onDone }: { bucket: Bucket; onDone: () => void }) {
  const dashboard = useDashboard();
  const recordsDeleted = useRecordsDeleted(bucket.id);
  const ids = { dashboardId: dashboard.id, bucketId: bucket.id };
  const purge = trpc.buckets.purge.useMutation({
    async onSuccess() {
      await recordsDeleted();
      onDone();
    },
  });
  return (
    <DangerConfirm
      actionLabel="Delete all records"
      pendingLabel="Deleting…"
      pending={purge.isPending}
      error={purge.error}
      onConfirm={() => purge.mutate(ids)}
      onCancel={onDone}
    >
      This deletes all {formatCount(bucket.recordCount)} records of <strong>{bucket.name}</strong>.
      The bucket, its id and the keys that write to it stay. This cannot be undone.
    </DangerConfirm>
  );
}
