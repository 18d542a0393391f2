import { LIVE_REFRESH_GAP_MS } from '@bucketgrid/shared';

/**
 * The bounds of live views (docs/architecture.md, "Limits and abuse", says why each value).
 * A browser holds one stream per open dashboard tab, and HTTP/1.1 lets it hold only six
 * connections per server at all: the caps sit well above any real use (many tabs, a few
 * devices, a wall screen) and far below what would cost the server.
 */
export interface LiveLimits {
  /** Open views per session (one signed-in browser). */
  perSession: number;
  /** Open views per user, over all their sessions. */
  perUser: number;
  /** Open views per client address (an office behind one NAT address shares it). */
  perAddress: number;
  /** Open views of one dashboard, over all its members. */
  perDashboard: number;
  /** Open views in this server process. */
  perProcess: number;
  /** Open views of one public share link, over all its viewers (they count in no other cap). */
  perShareLink: number;
  /** Open share-link views per client address, over all links. */
  perShareAddress: number;
  /**
   * Events this process delivers to views per second, all views together (one event to one
   * view is one delivery); past it, dashboards' events coalesce further.
   */
  deliveriesPerSecond: number;
  /** Undelivered events a view may hold; a view that falls further behind is ended. */
  queue: number;
  /**
   * After an event to a dashboard's members' views, the least time until the next one: the
   * changes made meanwhile (every bucket written) go together in it. By default the web app's
   * refetch gap (`LIVE_REFRESH_GAP_MS`): a view sent events faster refetches no sooner.
   */
  coalesceMs: number;
  /** The most events per second a dashboard's share-link views get: busy buckets share it. */
  eventsPerSecond: number;
  /** Recent events kept per dashboard, so that a reconnecting view can resume. */
  replay: number;
  /** How long a dashboard's recent events outlive its last view (reconnects take seconds). */
  lingerMs: number;
  /**
   * After an event of a (dashboard, bucket), the least time until share-link views get the
   * next one: a public page refetches at most that often, whatever the dashboard's pace.
   */
  shareCoalesceMs: number;
  /** How often open views re-check their session, membership and bucket in the store. */
  recheckMs: number;
}

/**
 * Measured with `pnpm bench:deliveries` (apps/server/bench/delivery-cost.ts; docs/performance.md,
 * "Live views and public links"): one delivery (an event to one view) costs the server 7–40 µs
 * of CPU through our SSE writer (118–142 µs through tRPC's, in the same runs), so one core
 * makes 25,000 a second at the least. Live views may use at most a fifth of a core: 5,000.
 */
const DELIVERIES_PER_SECOND = 5_000;

export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  perSession: 16,
  perUser: 32,
  perAddress: 64,
  perDashboard: 64,
  perProcess: 10_000,
  perShareLink: 500,
  perShareAddress: 16,
  deliveriesPerSecond: DELIVERIES_PER_SECOND,
  queue: 256,
  coalesceMs: LIVE_REFRESH_GAP_MS,
  shareCoalesceMs: 1_000,
  eventsPerSecond: 50,
  replay: 256,
  lingerMs: 30_000,
  recheckMs: 30_000,
};
