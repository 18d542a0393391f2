import type { IncomingMessage, RequestListener } from 'node:http';
import { createAuth } from '@bucketgrid/auth';
import { type LiveEvents, LiveHub, type LiveLimits } from '@bucketgrid/live';
import {
  BatchedWindowLimiter,
  createMailer,
  DEFAULT_READ_LIMITS,
  INVITATION_WINDOW_MS,
  INVITATIONS_PER_DASHBOARD_PER_DAY,
  type Mailer,
  type ReadLimitOptions,
  ReadLimits,
  SHARE_READ_CACHE_ENTRIES,
  SHARE_READ_CACHE_MS,
  SHARE_REQUESTS_PER_LINK_PER_MINUTE,
  SharedWindowLimiter,
  ShareLinkTraffic,
  ShareReadCache,
  STORE_RETRY_AFTER_SECONDS,
} from '@bucketgrid/services';
import { AppError } from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';
import type { Sharing } from '@bucketgrid/trpc';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AlertUpkeepOptions } from './alerts/alert-upkeep.ts';
import { withinBodyLimit } from './http/body-limits.ts';
import { clientAddress, type TrustProxy, trustFunction } from './http/client-address.ts';
import { createErrorResponder } from './http/errors.ts';
import { DEFAULT_PING_MS } from './http/live-stream.ts';
import { sendJson, sendProblem, setSecurityHeaders } from './http/responses.ts';
import { createSharePage } from './http/share-page.ts';
import { createWebApp } from './http/static-files.ts';
import {
  AccessCache,
  createApiRouter,
  createFastPath,
  createIngestHandlers,
  type IngestDeps,
  KeyService,
  LastUsedTracker,
} from './ingest/index.ts';
import type { Logger } from './log.ts';
import { createMcpHandler, mcpMethodNotAllowed } from './mcp/handler.ts';
import { sendMetrics } from './metrics/endpoint.ts';
import { ServerMetrics } from './metrics/metrics.ts';
import { instrumentRequests } from './metrics/requests.ts';
import { createOpenApiRouter } from './openapi/routes.ts';
import { liveEventsFor, requestStore } from './store-layers.ts';
import { createTrpcHandler, requireSameOrigin } from './trpc-handler.ts';

export interface AppOptions {
  store: Store;
  logger: Logger;
  /** The clock every expiry and rate limit reads; tests drive it. */
  now?: () => number;
  /** Records (writes) or requests (other calls) one API key may spend per minute. */
  keyRateLimitPerMinute?: number;
  /** Failed API key attempts one client address may make per minute. */
  failedKeyAttemptsPerMinute?: number;
  /** Sign-in and sign-up limits (defaults and reasons: docs/architecture.md). */
  failedSignInsPerEmail?: number;
  failedSignInsPerAddress?: number;
  signUpsPerAddress?: number;
  passwordChecksPerAddress?: number;
  /**
   * The reverse proxies trusted to name the client and the scheme in X-Forwarded-* (hops or
   * addresses; none by default): see http/client-address.ts.
   */
  trustProxy?: TrustProxy;
  /** The built web app to serve, if present. */
  webDist?: string;
  /** How long a request waits for one store call before it gets 503 (see withDeadline). */
  storeTimeoutMs?: number;
  /**
   * How dashboards' changes reach the live views of this process and of the others (default:
   * through the store's event log when it has one, as MongoDB does, else within the
   * process). The app closes it when it stops.
   */
  liveEvents?: LiveEvents;
  /** Told after each change that leaves background upkeep work (the server's upkeep). */
  wakeUpkeep?: () => void;
  /** Caps and timings of live views (defaults: `packages/live/src/limits.ts`). */
  liveLimits?: Partial<LiveLimits>;
  /** How long a live stream may be silent before it is sent a ping (default the router's, 15 s). */
  livePingMs?: number;
  /** Reads per API key, member or share link (defaults: DEFAULT_READ_LIMITS in services). */
  readLimits?: Partial<Omit<ReadLimitOptions, 'now'>>;
  /** Where the app counts what it does (GET /metrics); its own when not given. */
  metrics?: ServerMetrics;
  /** Serve GET /metrics on this port to requests with this bearer token (else not at all). */
  metricsToken?: string;
  /** SMTP_URL and MAIL_FROM: email on (invitations, password resets); off without a URL. */
  smtpUrl?: string;
  mailFrom?: string;
  /**
   * PUBLIC_URL: where people reach the app, the base of links sent by email (never taken from
   * a request's Host header, which a client chooses). Default: the address the server listens on.
   */
  publicUrl?: string;
  /** Invitations per dashboard per day (default INVITATIONS_PER_DASHBOARD_PER_DAY). */
  invitationsPerDashboardPerDay?: number;
  /** Requests one share link may answer per minute (default SHARE_REQUESTS_PER_LINK_PER_MINUTE). */
  shareRequestsPerLinkPerMinute?: number;
  /** Alert evaluation and delivery (ALERT_INTERVAL, ALERT_WEBHOOK_ALLOW_PRIVATE). */
  alerts?: AlertUpkeepOptions;
}

export interface App {
  app: Express;
  /**
   * The server's request listener: writes (POST/PUT /api/buckets/{id}) take the ingest fast
   * path, before Express's per-request setup; every other request gets the security headers,
   * its route's body limit, and Express.
   */
  handle: RequestListener;
  /** The live views: `close()` ends them, so that their connections can close. */
  live: LiveHub;
  /** How email goes out (alert notifications use it too). */
  mailer: Mailer;
  /** What the app counts (the server adds the connections it refuses). */
  metrics: ServerMetrics;
  /** Tells the app the address it listens on (the base of emailed links without PUBLIC_URL). */
  listeningAt(url: string): void;
  /** Flushes what the app keeps in memory (last-used times, live events, key usage on their way). */
  stop(): Promise<void>;
}

export function createApp(options: AppOptions): App {
  const { logger } = options;
  const metrics = options.metrics ?? new ServerMetrics();
  const now = options.now ?? Date.now;
  const liveEvents = options.liveEvents ?? liveEventsFor(options.store, logger);
  const store = requestStore(options.store, {
    liveEvents,
    now,
    metrics,
    timeoutMs: options.storeTimeoutMs,
    wakeUpkeep: options.wakeUpkeep,
  });
  const respondToError = createErrorResponder(logger);
  const lastUsed = new LastUsedTracker(store, (error) =>
    logger('warn', "API keys' last-used times: cannot reach the store; kept for the next try", {
      error: (error as Error).message,
    }),
  );
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // One trust decision for Express (https, host) and for every per-address limit.
  const trust = trustFunction(options.trustProxy ?? false);
  app.set('trust proxy', trust);
  const addressOf = (req: IncomingMessage) => clientAddress(req, trust);
  const live = new LiveHub({
    events: liveEvents,
    store,
    now,
    logger,
    limits: options.liveLimits,
  });
  const auth = createAuth(store, {
    now,
    failedSignInsPerEmail: options.failedSignInsPerEmail,
    failedSignInsPerAddress: options.failedSignInsPerAddress,
    signUpsPerAddress: options.signUpsPerAddress,
    passwordChecksPerAddress: options.passwordChecksPerAddress,
  });

  const mailer = createMailer({ smtpUrl: options.smtpUrl, from: options.mailFrom, logger });
  let ownUrl = 'http://127.0.0.1';
  const shareTraffic = new ShareLinkTraffic(store, {
    perMinute: options.shareRequestsPerLinkPerMinute ?? SHARE_REQUESTS_PER_LINK_PER_MINUTE,
    now,
  });
  const sharing: Sharing = {
    mailer,
    get publicUrl() {
      return options.publicUrl ?? ownUrl;
    },
    invitationsPerDashboard: new SharedWindowLimiter(
      store,
      'invitations-dashboard',
      options.invitationsPerDashboardPerDay ?? INVITATIONS_PER_DASHBOARD_PER_DAY,
      INVITATION_WINDOW_MS,
    ),
    shareTraffic,
    shareReads: new ShareReadCache({
      ttlMs: SHARE_READ_CACHE_MS,
      maxEntries: SHARE_READ_CACHE_ENTRIES,
    }),
  };

  app.get('/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
      sendJson(res, 200, { status: 'ready', store: store.backend });
    } catch (error) {
      logger('error', 'store not reachable', { error: (error as Error).message });
      sendProblem(
        res,
        new AppError('service_unavailable', 'The store is not reachable.', {
          retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
        }),
      );
    }
  });

  // The per-key limit is on the ingestion hot path: decided here, shared in batches.
  const keyUsage = new BatchedWindowLimiter(
    store,
    'key-usage',
    options.keyRateLimitPerMinute ?? 6_000_000,
    60_000,
    {
      onSyncError: (error) =>
        logger('warn', 'rate limits: cannot reach the store; counting here meanwhile', {
          error: (error as Error).message,
        }),
    },
  );
  // One set of read limits for every reader: API keys, members, share links.
  const readLimits = new ReadLimits({ ...DEFAULT_READ_LIMITS, ...options.readLimits, now });
  const access = new AccessCache(store);
  const ingestDeps: IngestDeps = {
    store,
    readLimits,
    clientAddress: addressOf,
    now,
    metrics,
    access,
    keys: new KeyService({
      access,
      now,
      lastUsed,
      usage: keyUsage,
      failedAttempts: new SharedWindowLimiter(
        store,
        'failed-key-address',
        options.failedKeyAttemptsPerMinute ?? 30,
        60_000,
      ),
    }),
  };
  const ingest = createIngestHandlers(ingestDeps);
  const fastPath = createFastPath(ingest, respondToError);
  app.use(createOpenApiRouter());
  app.use('/api', createApiRouter(ingest));
  app
    .route('/mcp')
    .post(createMcpHandler({ ...ingestDeps, logger, respondToError }))
    .all(mcpMethodNotAllowed);
  if (options.metricsToken !== undefined) {
    const token = options.metricsToken;
    app.get('/metrics', (req, res) => sendMetrics(req, res, metrics, token));
  }

  app.use(
    '/trpc',
    requireSameOrigin,
    createTrpcHandler({
      store,
      auth,
      live,
      sharing,
      alerts: { allowPrivate: false, ...options.alerts },
      readLimits,
      now,
      logger,
      clientAddress: addressOf,
      livePingMs: options.livePingMs ?? DEFAULT_PING_MS,
    }),
  );

  const sharePage = options.webDist ? createSharePage(options.webDist, { store, now }) : undefined;
  if (sharePage) app.use(sharePage);
  const web = options.webDist ? createWebApp(options.webDist) : undefined;
  if (web) app.use(web);

  app.use((_req: Request, _res: Response) => {
    throw new AppError('not_found', 'No such path.');
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    respondToError(req, res, error);
  });

  return {
    app,
    handle: instrumentRequests(
      (req, res) => {
        if (fastPath(req, res)) return;
        setSecurityHeaders(res);
        if (withinBodyLimit(req, res)) app(req, res);
      },
      metrics,
      logger,
    ),
    live,
    mailer,
    metrics,
    listeningAt(url) {
      ownUrl = url;
    },
    stop: async () => {
      mailer.close();
      await Promise.all([
        lastUsed.stop(),
        liveEvents.close(),
        keyUsage.stop(),
        shareTraffic.stop(),
      ]);
    },
  };
}
