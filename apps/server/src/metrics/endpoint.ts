import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ServerMetrics } from './metrics.ts';

/**
 * GET /metrics in Prometheus' text format. Off the public internet by default: on the server's
 * own port only with a bearer token (METRICS_TOKEN), or on a separate listen address
 * (METRICS_ADDRESS) that only the monitoring network reaches.
 */

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
export function hasToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return timingSafeEqual(digest(presented), digest(token));
}

/** Answers with the metrics, or 401 (with a Prometheus-readable hint) when the token is wrong. */
export async function sendMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  metrics: ServerMetrics,
  token: string | undefined,
): Promise<void> {
  if (token !== undefined && !hasToken(req, token)) {
    const body = 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.\n';
    res.writeHead(401, {
      'content-type': 'text/plain; charset=utf-8',
      'www-authenticate': 'Bearer realm="metrics"',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  const text = await metrics.registry.metrics();
  res.writeHead(200, {
    'content-type': metrics.registry.contentType,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The listener of the separate metrics address: GET /metrics and nothing else. */
export function metricsListener(
  metrics: ServerMetrics,
  token: string | undefined,
): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      sendMetrics(req, res, metrics, token).catch(() => res.destroy());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Only GET /metrics is served here.\n');
  };
}
