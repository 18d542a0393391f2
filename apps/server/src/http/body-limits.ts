import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@bucketgrid/shared';
import {
  MAX_API_BODY_BYTES,
  MAX_DRAINED_BODY_BYTES,
  MAX_MCP_BODY_BYTES,
  MAX_TRPC_BODY_BYTES,
  MAX_UNREAD_BODY_BYTES,
} from '../limits.ts';
import { declaredLength, discardBody, hasBody } from './body.ts';
import { sendProblem } from './responses.ts';

type BodyRoute = 'api' | 'mcp' | 'trpc' | 'none';

/** Which reader takes the request's body: the REST API's, the MCP server's, tRPC's, or none. */
function bodyRouteOf(req: IncomingMessage): BodyRoute {
  const url = req.url!;
  const query = url.indexOf('?');
  // Express matches paths without regard to case: so does this.
  const path = (query === -1 ? url : url.slice(0, query)).toLowerCase();
  const method = req.method;
  if (path.startsWith('/api/') && (method === 'POST' || method === 'PUT' || method === 'DELETE')) {
    return /\/purge\/?$/.test(path) ? 'none' : 'api';
  }
  if (path.startsWith('/trpc/') && method === 'POST') return 'trpc';
  if ((path === '/mcp' || path === '/mcp/') && method === 'POST') return 'mcp';
  return 'none';
}

const LIMITS: Record<BodyRoute, number> = {
  api: MAX_API_BODY_BYTES,
  mcp: MAX_MCP_BODY_BYTES,
  trpc: MAX_TRPC_BODY_BYTES,
  none: MAX_UNREAD_BODY_BYTES,
};

/** The most body bytes the request's route takes (its reader enforces it while reading). */
export function bodyLimitOf(req: IncomingMessage): number {
  return LIMITS[bodyRouteOf(req)];
}

/**
 * Every route has a body limit. A request that declares a longer body is refused here (a REST
 * write's of up to MAX_DRAINED_BODY_BYTES after reading it to its end, so that its sender sees
 * the answer; any other before any of it is read, and its connection closed); /trpc refuses it
 * itself, in tRPC's shape. A route that reads no body does not drain one either: its
 * connection closes after the answer.
 */
export function withinBodyLimit(req: IncomingMessage, res: ServerResponse): boolean {
  if (!hasBody(req)) return true;
  const route = bodyRouteOf(req);
  if (route === 'trpc') return true;
  const declared = declaredLength(req);
  if (declared > LIMITS[route]) {
    const refusal = new AppError(
      'payload_too_large',
      `The body is over ${LIMITS[route]} bytes, the limit for this path.`,
    );
    const drain =
      (route === 'api' || route === 'mcp') &&
      declared <= MAX_DRAINED_BODY_BYTES &&
      req.headers.expect === undefined;
    if (drain) discardBody(req, MAX_DRAINED_BODY_BYTES).then(() => sendProblem(res, refusal));
    else sendProblem(res, refusal);
    return false;
  }
  if (route === 'none') res.setHeader('connection', 'close');
  return true;
}
