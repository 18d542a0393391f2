import { useDashboard } from '../../hooks/useDashboard.ts';
import { formatCount } from '../../lib/format.ts';
import { type Bucket, trpc } from '../../lib/trpc.ts';
import { FormError } from '../FormError.tsx';

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
    <div className="stack">
      <p>
        This deletes all {formatCount(bucket.recordCount)} records of <strong>{bucket.name}</strong>
        . The bucket, its id and the keys that write to it stay. This cannot be undone.
      </p>
      <FormError error={purge.error} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={purge.isPending}
          onClick={() => purge.mutate(ids)}
        >
          {purge.isPending ? 'Deleting…' : 'Delete all records'}
        </button>
      </div>
    </div>
  );
}
