import { useDashboard } from '../../hooks/useDashboard.ts';
import { formatCount } from '../../lib/format.ts';
import { type Bucket, trpc } from '../../lib/trpc.ts';
import { DangerConfirm } from '../DangerConfirm.tsx';

export function PurgeBucketForm({ bucket, onDone }: { bucket: Bucket; onDone: () => void }) {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const ids = { dashboardId: dashboard.id, bucketId: bucket.id };
  const purge = trpc.buckets.purge.useMutation({
    async onSuccess() {
      await Promise.all([
        utils.buckets.get.invalidate(ids),
        utils.buckets.records.invalidate(ids),
        utils.buckets.list.invalidate({ dashboardId: dashboard.id }),
      ]);
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
