import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useDownsample } from '../../hooks/useBucketReads.ts';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { formatCount } from '../../lib/format.ts';
import type { Bucket } from '../../lib/trpc.ts';
import { trpc } from '../../lib/trpc.ts';
import { DangerConfirm } from '../DangerConfirm.tsx';
import { TextField } from '../TextField.tsx';
import { useRecordsDeleted } from './useRecordsDeleted.ts';

interface Props {
  bucket: Bucket;
  /** The range to start from (a selection on the chart); its ends are included. */
  initial: { from: number; to: number } | null;
  onDone: () => void;
}

/** Deletes every record with a key in from–to (TSV: times; IV: integers), after saying how many. */
export function DeleteRangeForm({ bucket, initial, onDone }: Props) {
  const dashboardId = useDashboardId();
  const format = useTimeFormat();
  const utils = trpc.useUtils();
  const isTime = bucket.type === 'TSV';
  const show = (key: number) => (isTime ? format.toInput(key) : String(key));
  const read = (text: string) =>
    isTime ? format.fromInput(text) : /^-?\d+$/.test(text.trim()) ? Number(text) : null;
  const [fromText, setFromText] = useState(initial ? show(initial.from) : '');
  const [toText, setToText] = useState(initial ? show(initial.to) : '');
  // A range selected on the chart keeps its exact ends unless the user edits them.
  const from = initial && fromText === show(initial.from) ? initial.from : read(fromText);
  const to = initial && toText === show(initial.to) ? initial.to : read(toText);
  const valid = from !== null && to !== null && from <= to;
  const count = useDownsample({
    dashboardId,
    bucket,
    range: null,
    keyRange: valid ? [from, to] : null,
    points: 1,
    enabled: valid,
  });
  const deleted = useRecordsDeleted(bucket.id);
  const remove = useMutation({
    mutationFn: () =>
      utils.client.buckets.deleteRecords.mutate({
        dashboardId,
        bucketId: bucket.id,
        from: from!,
        to: to!,
      }),
    onSuccess: async () => {
      await deleted();
      onDone();
    },
  });
  const n = valid && count.data ? count.data.count.reduce((a, b) => a + b, 0) : null;
  const describe = (key: number) => (isTime ? format.dateTime(key) : formatCount(key));

  return (
    <div className="stack">
      <div className="form-row-plain">
        <TextField
          label={isTime ? `From (${format.zoneShort})` : 'From key'}
          type={isTime ? 'datetime-local' : 'number'}
          step={1}
          value={fromText}
          onChange={(event) => setFromText(event.target.value)}
        />
        <TextField
          label={isTime ? `To (${format.zoneShort})` : 'To key'}
          type={isTime ? 'datetime-local' : 'number'}
          step={1}
          value={toText}
          onChange={(event) => setToText(event.target.value)}
          error={
            from !== null && to !== null && from > to
              ? '“To” must not be before “From”.'
              : undefined
          }
        />
      </div>
      {valid && n !== null ? (
        n === 0 ? (
          <p className="muted">No records in this range.</p>
        ) : (
          <DangerConfirm
            actionLabel={`Delete ${formatCount(n)} record${n === 1 ? '' : 's'}`}
            pendingLabel="Deleting…"
            pending={remove.isPending}
            error={remove.error}
            onConfirm={() => remove.mutate()}
            onCancel={onDone}
          >
            This deletes <strong>{formatCount(n)}</strong> record{n === 1 ? '' : 's'} of{' '}
            <strong>{bucket.name}</strong> with keys from <strong>{describe(from)}</strong> to{' '}
            <strong>{describe(to)}</strong>
            {isTime ? ` ${format.zoneShort}` : ''} (both included). This cannot be undone.
          </DangerConfirm>
        )
      ) : (
        <p className="muted">{valid ? 'Counting…' : 'Choose the first and last key to delete.'}</p>
      )}
    </div>
  );
}
