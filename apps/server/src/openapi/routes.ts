import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@bucketgrid/shared';
import express, { type RequestHandler, type Router } from 'express';
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

/**
 * The reference page's policy: the app's, except that the renderer injects style elements,
 * so inline styles are allowed here (and only here; scripts stay 'self').
 */
export const API_REFERENCE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** GET /api-reference: the web app's reference page (apps/web/api-reference.html). */
export function serveApiReference(webDist: string): RequestHandler {
  const page = join(webDist, 'api-reference.html');
  return async (_req, res, next) => {
    let html: Buffer;
    try {
      html = await readFile(page);
    } catch (error) {
      next(error);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': html.length,
      'cache-control': 'no-cache',
      'content-security-policy': API_REFERENCE_POLICY,
    });
    res.end(html);
  };
}
