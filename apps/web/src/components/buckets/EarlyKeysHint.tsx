import { useDownsample, useRecords } from '../../hooks/useBucketReads.ts';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { formatCount } from '../../lib/format.ts';
import type { Bucket } from '../../lib/trpc.ts';

/** Keys before 2001 are almost always seconds sent where milliseconds belong. */
export const EARLY_KEY_LIMIT = Date.UTC(2001, 0, 1);

interface Props {
  bucket: Bucket;
  canDelete: boolean;
  onShow: (range: [number, number]) => void;
  onDelete: (range: { from: number; to: number }) => void;
}

/**
 * A TSV bucket whose oldest key is before 2001-01-01 probably got a timestamp in seconds
 * (1796045000 is January 1970 in milliseconds): say so, and offer to look at and delete them.
 */
export function EarlyKeysHint({ bucket, canDelete, onShow, onDelete }: Props) {
  const dashboardId = useDashboardId();
  const format = useTimeFormat();
  const oldest = useRecords({
    dashboardId,
    bucket,
    range: null,
    order: 'asc',
    limit: 1,
    enabled: bucket.type === 'TSV' && bucket.recordCount > 0,
  });
  const first = oldest.data?.records[0]?.key;
  const early = typeof first === 'number' && first < EARLY_KEY_LIMIT;
  const count = useDownsample({
    dashboardId,
    bucket,
    range: null,
    keyRange: early ? [first, EARLY_KEY_LIMIT - 1] : null,
    points: 1,
    enabled: early,
  });
  if (!early) return null;
  const n = count.data?.count.reduce((a, b) => a + b, 0);
  const range = { from: first, to: EARLY_KEY_LIMIT - 1 };
  return (
    <div className="hint hint-warning" role="note">
      <p>
        <strong>
          {n === undefined
            ? 'Some records have'
            : `${formatCount(n)} record${n === 1 ? ' has' : 's have'}`}{' '}
          keys before 2001
        </strong>{' '}
        (the oldest: {format.dateTime(first)} {format.zoneShort}). Sent seconds instead of
        milliseconds? Keys are unix milliseconds: <code>1796045000</code> is January 1970,{' '}
        <code>1796045000000</code> is 2026.
      </p>
      <div className="actions">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onShow([range.from, range.to])}
        >
          Show them
        </button>
        {canDelete && (
          <button
            type="button"
            className="btn btn-small btn-danger-quiet"
            onClick={() => onDelete(range)}
          >
            Delete them…
          </button>
        )}
      </div>
    </div>
  );
}
