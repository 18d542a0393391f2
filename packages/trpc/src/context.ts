import type { Auth, AuthUser } from '@bucketgrid/auth';
import type { LiveHub } from '@bucketgrid/live';
import type {
  AlertDeliverySettings,
  Mailer,
  ReadLimits,
  SharedWindowLimiter,
  ShareLinkTraffic,
  ShareReadCache,
} from '@bucketgrid/services';
import type { Store } from '@bucketgrid/store';

/** Email and the links it carries, shared by every request. */
export interface Sharing {
  mailer: Mailer;
  /** Where the app is served (PUBLIC_URL): the base of every link sent by email. */
  publicUrl: string;
  /** Counts invitations per dashboard per day (INVITATIONS_PER_DASHBOARD_PER_DAY). */
  invitationsPerDashboard: SharedWindowLimiter;
  /** Public share links' request budgets and view counts. */
  shareTraffic: ShareLinkTraffic;
  /** Public share links' answers, shared between their viewers for a moment. */
  shareReads: ShareReadCache;
}

/** What every procedure can use. Built per request by the server. */
export interface Context {
  store: Store;
  auth: Auth;
  /** Live views: publish a dashboard's changes, open views, end them when access ends. */
  live: LiveHub;
  sharing: Sharing;
  /** How alert notifications are delivered (ALERT_WEBHOOK_ALLOW_PRIVATE). */
  alerts: AlertDeliverySettings;
  /** The limits every member's record reads go through (per user). */
  readLimits: ReadLimits;
  now: () => number;
  user: AuthUser | null;
  sessionId: string | null;
  /** The client's address, for sign-in throttling. */
  clientAddress: string;
  /** The request's Cookie header (sign-in reads the device cookie from it). */
  cookieHeader: string | undefined;
  /** The browser's User-Agent, for the account's sign-in history. */
  userAgent: string | undefined;
  /** Whether the request came over https (the session cookie is then Secure). */
  secure: boolean;
  /** Queues a Set-Cookie header on the response. */
  setCookie: (cookie: string) => void;
}
