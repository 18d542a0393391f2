import {
  InProcessLiveEvents,
  type LiveEvents,
  publishChanges,
  SharedLiveEvents,
} from '@bucketgrid/live';
import { DEFAULT_STORE_TIMEOUT_MS, type Store, withDeadline } from '@bucketgrid/store';
import { wakeAfterChanges } from './background-upkeep.ts';
import type { Logger } from './log.ts';
import type { ServerMetrics } from './metrics/metrics.ts';

/*
 * What the server wraps around the store, in one place. Innermost first:
 * 1. the backend's own (a locked SQLite database becomes StoreBusy, MongoDB's calls in flight
 *    are counted: in the store itself);
 * 2. live events for every change its views show (publishChanges), sent when the change is
 *    made, even if the request waiting for it has given up;
 * 3. upkeep woken after each change that leaves it work (wakeAfterChanges);
 * 4. a deadline per call (withDeadline): a request waits at most STORE_TIMEOUT_MS;
 * 5. metrics, counting calls as requests saw them.
 */

/** How dashboards' changes reach live views: through the store's event log when it has one. */
export function liveEventsFor(store: Store, logger: Logger): LiveEvents {
  return store.eventLog
    ? new SharedLiveEvents({ log: store.eventLog, logger })
    : new InProcessLiveEvents();
}

/** The store requests use: every layer above. */
export function requestStore(
  store: Store,
  layers: {
    liveEvents: LiveEvents;
    now: () => number;
    metrics: ServerMetrics;
    timeoutMs?: number;
    wakeUpkeep?: () => void;
  },
): Store {
  const published = publishChanges(store, layers.liveEvents, layers.now);
  const waking = layers.wakeUpkeep ? wakeAfterChanges(published, layers.wakeUpkeep) : published;
  return layers.metrics.instrumentStore(
    withDeadline(waking, layers.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS),
  );
}

/**
 * The store background upkeep uses: its steps are not requests (no deadline, no request
 * metrics), but the records they trim are changes live views show.
 */
export function upkeepStore(store: Store, liveEvents: LiveEvents, now: () => number): Store {
  return publishChanges(store, liveEvents, now);
}
