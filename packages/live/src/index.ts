export { Coalescer } from './coalescer.ts';
export { LiveHub, type LiveLogger, type LiveStats, type OpenViewRequest } from './hub.ts';
export { DEFAULT_LIVE_LIMITS, type LiveLimits } from './limits.ts';
export {
  changesOf,
  type DashboardEvent,
  InProcessLiveEvents,
  type LiveChange,
  type LiveEvent,
  type LiveEvents,
  type LiveSubscriber,
  type ShareLinkEnded,
} from './live-events.ts';
export { publishChanges } from './publishing-store.ts';
export { SharedLiveEvents, type SharedLiveEventsOptions } from './shared-live-events.ts';
export {
  type LiveMessage,
  LiveView,
  type MemberOwner,
  type ShareLinkOwner,
  type ViewOwner,
} from './view.ts';
