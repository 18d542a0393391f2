import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@bucketgrid/shared';
import { MAX_API_BODY_BYTES, MAX_TRPC_BODY_BYTES, MAX_UNREAD_BODY_BYTES } from '../limits.ts';
import { declaredLength, hasBody } from './body.ts';
import { sendProblem } from './responses.ts';

/** The most body bytes the request's route reads (its reader enforces it while reading). */
export function bodyLimitOf(req: IncomingMessage): number {
  const url = req.url!;
  const query = url.indexOf('?');
  // Express matches paths without regard to case: so does this.
  const path = (query === -1 ? url : url.slice(0, query)).toLowerCase();
  const method = req.method;
  if (path.startsWith('/api/') && (method === 'POST' || method === 'PUT' || method === 'DELETE')) {
    return /\/purge\/?$/.test(path) ? MAX_UNREAD_BODY_BYTES : MAX_API_BODY_BYTES;
  }
  if (path.startsWith('/trpc/') && method === 'POST') return MAX_TRPC_BODY_BYTES;
  return MAX_UNREAD_BODY_BYTES;
}

/**
 * Every route has a body limit. A request that declares a longer body is refused here, before
 * any of it is read (and its connection closed). A route that reads no body does not drain
 * one either: its connection closes after the answer.
 */
export function withinBodyLimit(req: IncomingMessage, res: ServerResponse): boolean {
  if (!hasBody(req)) return true;
  const limit = bodyLimitOf(req);
  if (declaredLength(req) > limit) {
    sendProblem(
      res,
      new AppError(
        'payload_too_large',
        `The body is over ${limit} bytes, the limit for this path.`,
      ),
    );
    return false;
  }
  if (limit === MAX_UNREAD_BODY_BYTES) res.setHeader('connection', 'close');
  return true;
}
