import type { IncomingMessage, RequestListener } from 'node:http';
import type { Logger } from '../log.ts';
import type { ServerMetrics } from './metrics.ts';

/**
 * Route patterns for metrics and logs: a bounded set, whatever paths clients send (an id in a
 * label would make a series per bucket). Case-insensitive and with an optional trailing slash,
 * as Express matches them.
 */
const ROUTES: [RegExp, string][] = [
  [/^\/api\/buckets\/[^/]+\/?$/i, '/api/buckets/{bucketId}'],
  [/^\/api\/buckets\/[^/]+\/downsample\/?$/i, '/api/buckets/{bucketId}/downsample'],
  [/^\/api\/buckets\/[^/]+\/purge\/?$/i, '/api/buckets/{bucketId}/purge'],
  [/^\/api\/openapi\.json$/i, '/api/openapi.json'],
  [/^\/api(?:\/|$)/i, '/api/(unknown)'],
  [/^\/trpc(?:\/|$)/i, '/trpc'],
  [/^\/mcp\/?$/i, '/mcp'],
  [/^\/healthz\/?$/i, '/healthz'],
  [/^\/readyz\/?$/i, '/readyz'],
  [/^\/metrics\/?$/i, '/metrics'],
  [/^\/api-reference\/?$/i, '/api-reference'],
  [/^\/assets\//i, '/assets'],
];

/** Every route label routeOf gives (metrics start each at 0). */
export const ROUTE_LABELS: readonly string[] = [
  ...ROUTES.map(([, route]) => route),
  '(web app)',
  '(unmatched)',
];

export function routeOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  for (const [pattern, route] of ROUTES) if (pattern.test(path)) return route;
  return req.method === 'GET' || req.method === 'HEAD' ? '(web app)' : '(unmatched)';
}

const keyIds = new WeakMap<IncomingMessage, string>();

/** Notes the API key a request was authenticated with: its id (never the key) goes in the log. */
export function noteKeyId(req: IncomingMessage, keyId: string): void {
  keyIds.set(req, keyId);
}

/** What the log says for a request whose client left before any answer (nginx's convention). */
const CLIENT_CLOSED = 499;

/**
 * Wraps the server's request listener: each request, once it is over, is one JSON log line
 * (method, route pattern, status, duration, API key id: never a key, cookie or session id)
 * and one observation in the metrics; live streams (server-sent events) are counted while open.
 */
export function instrumentRequests(
  handle: RequestListener,
  metrics: ServerMetrics,
  logger: Logger,
): RequestListener {
  return (req, res) => {
    const start = performance.now();
    // Now, before Express rewrites req.url for its routers.
    const route = routeOf(req);
    const live = req.headers.accept?.includes('text/event-stream') === true;
    if (live) metrics.liveStreamOpened();
    res.once('close', () => {
      if (live) metrics.liveStreamClosed();
      const ms = performance.now() - start;
      const status = res.headersSent ? res.statusCode : CLIENT_CLOSED;
      const method = req.method ?? 'GET';
      metrics.request(method, route, status, ms / 1000);
      logger('info', 'request', {
        method,
        route,
        status,
        ms: Math.round(ms * 1000) / 1000,
        keyId: keyIds.get(req),
      });
    });
    handle(req, res);
  };
}
