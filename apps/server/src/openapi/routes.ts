import { AppError } from '@bucketgrid/shared';
import express, { type Router } from 'express';
import { buildOpenApiDocument } from './document.ts';

/** GET /api/openapi.json: the document, built once (it changes only with the code). */
export function createOpenApiRouter(): Router {
  const text = JSON.stringify(buildOpenApiDocument());
  const length = String(Buffer.byteLength(text));
  const router = express.Router();
  router.route('/api/openapi.json').get((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': length,
      'cache-control': 'no-cache',
      // Public, like this reference: API tools on other origins may read it.
      'access-control-allow-origin': '*',
    });
    res.end(text);
  });
  router.all('/api/openapi.json', (_req, res) => {
    res.setHeader('allow', 'GET');
    throw new AppError('method_not_allowed', 'This path accepts GET.');
  });
  return router;
}
