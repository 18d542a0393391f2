import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { AppError } from '@bucketgrid/shared';
import express, { type Router } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { API_REFERENCE_POLICY } from './responses.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** /llms.txt and /llms-full.txt (and their .br and .gz): the build writes them from docs/rest-api.md. */
const LLMS_FILE = /[/\\]llms(?:-full)?\.txt(?:\.br|\.gz)?$/;

/**
 * The built web app (apps/web/dist). Files under /assets have a content hash in their name:
 * cached for a year and never revalidated. Everything else (index.html, the favicon) is
 * revalidated on every use, so a new build shows at once. The build writes .br and .gz beside
 * each compressible file; the client gets the smallest it accepts (Vary: Accept-Encoding).
 * Client-side routes (/:workspace/:dashboard) get index.html, on reload and from shared links;
 * /api-reference gets the data API's reference page, /llms.txt and /llms-full.txt the same
 * reference as plain text for AI agents.
 */
export function createWebApp(webDist: string): Router | undefined {
  const index = join(webDist, 'index.html');
  if (!existsSync(index)) return undefined;
  const assets = join(webDist, 'assets') + sep;
  const router = express.Router();
  const files = expressStaticGzip(webDist, {
    enableBrotli: true,
    orderPreference: ['br', 'gz'],
    index: false,
    serveStatic: {
      index: false,
      cacheControl: false,
      setHeaders(res, path) {
        res.setHeader('cache-control', path.startsWith(assets) ? IMMUTABLE : 'no-cache');
        // Said exactly, compressed or not (the compressed files' type would say UTF-8).
        if (LLMS_FILE.test(path)) res.setHeader('content-type', 'text/plain; charset=utf-8');
      },
    },
  });
  router.use((req, res, next) => {
    // express-static-gzip answers a path it cannot decode in plain text: refuse it first.
    try {
      decodeURIComponent(req.path);
    } catch {
      throw new AppError('not_found', 'No such path (check its % escapes).');
    }
    files(req, res, next);
  });
  // The data API's reference page (apps/web/api-reference.html), under its own policy.
  router.get('/api-reference', (req, res, next) => {
    res.setHeader('content-security-policy', API_REFERENCE_POLICY);
    req.url = '/api-reference.html';
    files(req, res, next);
  });
  router.use('/assets', () => {
    // A missing hashed file is an old build's: say so, rather than answer with the app.
    throw new AppError('not_found', 'No such file: reload the page to get the current app.');
  });
  router.get(['/', '/*splat'], (_req, res) => {
    res.sendFile(index, { cacheControl: false, headers: { 'cache-control': 'no-cache' } });
  });
  return router;
}
