import { useDashboard } from '../../hooks/useDashboard.ts';
import { formatCount } from '../../lib/format.ts';
import { type Bucket, trpc } from '../../lib/trpc.ts';
import { DangerConfirm } from '../DangerConfirm.tsx';

export function DeleteBucketForm({ bucket, onDeleted }: { bucket: Bucket; onDeleted: () => void }) {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const remove = trpc.buckets.delete.useMutation({
    async onSuccess() {
      await utils.buckets.list.invalidate({ dashboardId: dashboard.id });
      onDeleted();
    },
  });
  return (
    <DangerConfirm
      expected={bucket.name}
      actionLabel="Delete bucket"
      pendingLabel="Deleting…"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate({ dashboardId: dashboard.id, bucketId: bucket.id })}
    >
      This deletes <strong>{bucket.name}</strong> with its {formatCount(bucket.recordCount)}{' '}
      records. Programs writing to it will get <code>404 bucket_not_found</code>. This cannot be
      undone.
    </DangerConfirm>
  );
}
