import { type LiveStatus, useLiveStatus } from '../../hooks/useDashboardLive.tsx';
import { type DashboardRange, includesNow } from '../../lib/time-range.ts';

const text: Record<LiveStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
};

const help: Record<LiveStatus, string> = {
  live: 'New records appear as they arrive.',
  connecting: 'Connecting to live updates.',
  reconnecting: 'The connection was lost. The last data stays on screen; it reconnects by itself.',
};

/**
 * The open dashboard's live stream: Live, or Reconnecting… while it is down. A range that
 * ends before now shows no new records, so it says "Past range" instead of Live.
 */
export function LiveIndicator({ range }: { range?: DashboardRange }) {
  const status = useLiveStatus();
  if (status === 'live' && range && !includesNow(range, Date.now())) {
    return (
      <span
        className="live live-past"
        role="status"
        title="This range ends before now: new records do not show in it."
      >
        <span className="live-dot" aria-hidden="true" />
        Past range
      </span>
    );
  }
  return (
    <span className={`live live-${status}`} role="status" title={help[status]}>
      <span className="live-dot" aria-hidden="true" />
      {text[status]}
    </span>
  );
}
