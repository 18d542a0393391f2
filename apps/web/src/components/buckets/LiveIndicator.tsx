import { type LiveStatus, useLiveStatus } from '../../hooks/useDashboardLive.tsx';

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

/** The open dashboard's live stream: Live, or Reconnecting… while it is down. */
export function LiveIndicator() {
  const status = useLiveStatus();
  return (
    <span className={`live live-${status}`} role="status" title={help[status]}>
      <span className="live-dot" aria-hidden="true" />
      {text[status]}
    </span>
  );
}
