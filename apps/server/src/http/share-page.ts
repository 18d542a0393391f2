import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { shareLinkByToken } from '@bucketgrid/services';
import { AppError } from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';
import express, { type Router } from 'express';
import { CONTENT_SECURITY_POLICY } from './responses.ts';

/**
 * `/s/<token>`: a public share link's page (apps/web/share.html, its own small entry with no
 * management code). Its answers are kept out of search engines (`X-Robots-Tag: noindex`) and
 * may be framed only by the origins the link allows (`frame-ancestors`; none by default): the
 * app's other pages keep `frame-ancestors 'none'`. A token that opens nothing (revoked,
 * replaced, expired, never made) gets the same page with 404, and the page says the link is
 * gone; its framing is refused.
 */
export function createSharePage(
  webDist: string,
  deps: { store: Store; now: () => number },
): Router | undefined {
  const page = join(webDist, 'share.html');
  if (!existsSync(page)) return undefined;
  const router = express.Router();
  // Matched by hand: Express would answer a token that is not valid %-escaped text with 400
  // invalid_query; here it is one more token that opens no link.
  router.use('/s', async (req, res, next) => {
    const segment = req.path.slice(1);
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      segment === '' ||
      segment.includes('/')
    ) {
      next();
      return;
    }
    let origins: string[] = [];
    let status = 200;
    try {
      const token = decodedOrEmpty(segment);
      origins = (await shareLinkByToken(deps.store, token, deps.now())).frameOrigins;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'share_link_not_found')) throw error;
      status = 404;
    }
    res.status(status);
    res.setHeader('x-robots-tag', 'noindex, nofollow');
    res.setHeader('content-security-policy', sharePagePolicy(origins));
    // frame-ancestors decides; X-Frame-Options (DENY on every other page) would overrule it
    // in browsers that still read it first.
    if (origins.length > 0) res.removeHeader('x-frame-options');
    res.sendFile(page, { cacheControl: false, headers: { 'cache-control': 'no-store' } });
  });
  return router;
}

function decodedOrEmpty(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

/** The app's policy, with the link's origins (validated origins: no spaces or `;`) as ancestors. */
export function sharePagePolicy(origins: readonly string[]): string {
  const ancestors = origins.length > 0 ? origins.join(' ') : "'none'";
  return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", `frame-ancestors ${ancestors}`);
}
