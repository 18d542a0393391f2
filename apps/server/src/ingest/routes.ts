import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@bucketgrid/shared';
import express, { type Request, type Response, type Router } from 'express';
import type { ErrorResponder } from '../http/errors.ts';
import type { BucketHandler, IngestHandlers } from './handlers.ts';

/**
 * POST or PUT /api/buckets/{id} with a plain id, which is what every client sends: the path
 * the fast path serves. Any other spelling of it (/API/…, %-escapes) takes the router.
 */
const WRITE_PATH = /^\/api\/buckets\/([0-9A-Za-z_-]{1,64})\/?(?:\?|$)/;

/**
 * The ingestion hot path, served before Express: Express's per-request setup (prototype swaps,
 * routing) costs more CPU than a whole one-record write (docs/performance.md). Returns false
 * for any request that is not a write, which then goes to Express. A failed write is answered
 * right here, by the same error responder Express uses.
 */
export function createFastPath(
  handlers: IngestHandlers,
  respondToError: ErrorResponder,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { merge, replace } = handlers;
  return (req, res) => {
    const handler = req.method === 'POST' ? merge : req.method === 'PUT' ? replace : undefined;
    const path = handler && WRITE_PATH.exec(req.url!);
    if (!path) return false;
    handler(req, res, path[1]!).catch((error: unknown) => respondToError(req, res, error));
    return true;
  };
}

/** The REST data API of SPEC §3 as an Express router, mounted at /api. */
export function createApiRouter(handlers: IngestHandlers): Router {
  const router = express.Router();
  const route = (handler: BucketHandler) => (req: Request, res: Response) =>
    handler(req, res, req.params.bucketId as string);
  const notAllowed = (allow: string) => (_req: Request, res: Response) => {
    res.setHeader('allow', allow);
    throw new AppError('method_not_allowed', `This path accepts ${allow}.`);
  };

  router
    .route('/buckets/:bucketId')
    .get(route(handlers.read))
    .post(route(handlers.merge))
    .put(route(handlers.replace))
    .delete(route(handlers.remove))
    .all(notAllowed('GET, POST, PUT, DELETE'));
  router
    .route('/buckets/:bucketId/downsample')
    .get(route(handlers.downsample))
    .all(notAllowed('GET'));
  router.route('/buckets/:bucketId/purge').post(route(handlers.purge)).all(notAllowed('POST'));
  router.use(() => {
    throw new AppError(
      'not_found',
      'No such API path: the routes are listed at /api-reference (and /api/openapi.json).',
    );
  });
  return router;
}
