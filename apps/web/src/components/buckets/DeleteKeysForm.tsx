import type { RecordKey } from '@bucketgrid/shared';
import { useMutation } from '@tanstack/react-query';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { formatCount } from '../../lib/format.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { trpc } from '../../lib/trpc.ts';
import { DangerConfirm } from '../DangerConfirm.tsx';
import { useRecordsDeleted } from './useRecordsDeleted.ts';

const NAMED = 5;

/** Deletes the records chosen in the table, naming them first. */
export function DeleteKeysForm({
  bucket,
  keys,
  onDone,
}: {
  bucket: Bucket;
  keys: RecordKey[];
  onDone: (deleted: boolean) => void;
}) {
  const dashboardId = useDashboardId();
  const format = useTimeFormat();
  const utils = trpc.useUtils();
  const deleted = useRecordsDeleted(bucket.id);
  const remove = useMutation({
    mutationFn: () =>
      utils.client.buckets.deleteRecords.mutate({
        dashboardId,
        bucketId: bucket.id,
        keys,
      }),
    onSuccess: async () => {
      await deleted();
      onDone(true);
    },
  });
  const name = (key: RecordKey) =>
    bucket.type === 'TSV' ? format.dateTime(Number(key)) : String(key);
  const n = keys.length;
  return (
    <DangerConfirm
      actionLabel={`Delete ${formatCount(n)} record${n === 1 ? '' : 's'}`}
      pendingLabel="Deleting…"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate()}
      onCancel={() => onDone(false)}
    >
      This deletes {formatCount(n)} record{n === 1 ? '' : 's'} of <strong>{bucket.name}</strong>:{' '}
      {keys.slice(0, NAMED).map((key, i) => (
        <span key={String(key)}>
          {i > 0 && ', '}
          <code>{name(key)}</code>
        </span>
      ))}
      {n > NAMED && ` and ${formatCount(n - NAMED)} more`}
      {bucket.type === 'TSV' && ` (${format.zoneShort})`}. This cannot be undone.
    </DangerConfirm>
  );
}
