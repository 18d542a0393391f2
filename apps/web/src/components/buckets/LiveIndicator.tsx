import type { LiveStatus } from '../../hooks/useLiveBucket.ts';

const text: Record<LiveStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Not live',
};

const help: Record<LiveStatus, string> = {
  live: 'New records appear as they arrive.',
  connecting: 'Connecting to live updates.',
  offline: 'Live updates stopped; reload the page to resume.',
};

export function LiveIndicator({ status }: { status: LiveStatus }) {
  return (
    <span className={`live live-${status}`} role="status" title={help[status]}>
      <span className="live-dot" aria-hidden="true" />
      {text[status]}
    </span>
  );
}
