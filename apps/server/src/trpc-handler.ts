import { type Auth, isSameOrigin } from '@bucketgrid/auth';
import type { LiveHub } from '@bucketgrid/live';
import { asServiceUnavailable } from '@bucketgrid/services';
import { AppError } from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';
import { type AppRouter, appRouter, type Context } from '@bucketgrid/trpc';
import { TRPCError } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from './log.ts';

/**
 * Cross-site request protection for cookie sessions: a POST (every tRPC mutation) must carry
 * an Origin header naming this server's own host, as lucia's guide recommends.
 */
export function requireSameOrigin(req: Request, _res: Response, next: NextFunction): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // req.host honours X-Forwarded-Host only when the app trusts its proxy.
    if (!isSameOrigin(req.get('origin'), req.host)) {
      throw new AppError(
        'cross_site_request',
        'Mutations must come from the Bucketgrid web app (the Origin header must match this host).',
      );
    }
  }
  next();
}

export function createTrpcHandler(deps: {
  store: Store;
  auth: Auth;
  live: LiveHub;
  now: () => number;
  logger: Logger;
}): RequestHandler {
  return createExpressMiddleware<AppRouter>({
    router: appRouter,
    async createContext({ req, res }): Promise<Context> {
      const secure = req.secure;
      const session = await deps.auth.authenticate(req.headers.cookie, secure).catch(unavailable);
      if (session?.setCookie) res.append('set-cookie', session.setCookie);
      return {
        store: deps.store,
        auth: deps.auth,
        live: deps.live,
        now: deps.now,
        user: session?.user ?? null,
        sessionId: session?.sessionId ?? null,
        clientAddress: req.ip ?? 'unknown',
        cookieHeader: req.headers.cookie,
        secure,
        setCookie: (cookie) => res.append('set-cookie', cookie),
      };
    },
    // The longest wait any call's error asks for (an unavailable store, a rate limit), as
    // REST sends it: clients and proxies that honour Retry-After need not read the body.
    responseMeta({ errors }) {
      const waits = errors.map((error) =>
        error.cause instanceof AppError ? (error.cause.retryAfterSeconds ?? 0) : 0,
      );
      const wait = Math.max(0, ...waits);
      return wait > 0 ? { headers: { 'retry-after': String(wait) } } : {};
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        deps.logger('error', 'tRPC procedure failed', {
          path,
          error: error.cause instanceof Error ? error.cause.stack : error.message,
        });
      }
    },
  });
}

/**
 * Errors while building the context (the session lookup) happen outside any procedure and
 * its error middleware: an unavailable store becomes SERVICE_UNAVAILABLE here.
 */
function unavailable(error: unknown): never {
  const cause = asServiceUnavailable(error);
  if (cause instanceof AppError) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: cause.message, cause });
  }
  throw error;
}
