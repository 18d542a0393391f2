import { isUtf8 } from 'node:buffer';
import { type Auth, isSameOrigin } from '@bucketgrid/auth';
import type { LiveHub } from '@bucketgrid/live';
import {
  type AlertDeliverySettings,
  asServiceUnavailable,
  type ReadLimits,
} from '@bucketgrid/services';
import { AppError } from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';
import { type AppRouter, appRouter, type Context, type Sharing } from '@bucketgrid/trpc';
import { TRPCError } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { readBody } from './http/body.ts';
import { isClientGone } from './http/errors.ts';
import { isSubscription, serveLiveStream } from './http/live-stream.ts';
import { isShareRead, serveShareReads } from './http/share-reads.ts';
import { MAX_TRPC_BATCH_CALLS, MAX_TRPC_BODY_BYTES } from './limits.ts';
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

const TRPC_CODE_BY_STATUS = { 400: 'BAD_REQUEST', 413: 'PAYLOAD_TOO_LARGE' } as const;

/** An AppError as the tRPC error every call of the request answers with (`data.appCode`). */
function trpcError(cause: AppError): TRPCError {
  const code =
    TRPC_CODE_BY_STATUS[cause.status as keyof typeof TRPC_CODE_BY_STATUS] ?? 'BAD_REQUEST';
  return new TRPCError({ code, message: cause.message, cause });
}

// At run time tRPC keeps every procedure under its dotted path ("auth.signIn"); its type
// shows the nested record instead.
const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: string } }
>;

/** auth.* mutations (sign-in, sign-up, …) are throttled per call: one per request. */
function isAuthMutation(path: string): boolean {
  return path.startsWith('auth.') && procedures[path]?._def.type === 'mutation';
}

/**
 * The checks that must happen before tRPC reads anything: a batch holds at most
 * MAX_TRPC_BATCH_CALLS calls, and never an auth mutation beside other calls (a batch runs its
 * calls concurrently, so one request could otherwise try a thousand passwords at once); the
 * body is at most MAX_TRPC_BODY_BYTES, checked while it is read, and must be UTF-8. Returns
 * the refusal, or undefined; the body read goes to tRPC as text.
 */
async function guard(req: Request): Promise<AppError | undefined> {
  const calls = req.path.slice(req.path.lastIndexOf('/') + 1).split(',');
  if (calls.length > MAX_TRPC_BATCH_CALLS) {
    return new AppError(
      'batch_too_large',
      `A batch carries at most ${MAX_TRPC_BATCH_CALLS} calls; this one has ${calls.length}.`,
    );
  }
  if (calls.length > 1 && calls.some((path) => isAuthMutation(decodePath(path)))) {
    return new AppError(
      'not_batchable',
      'Sign-in, sign-up and the other auth mutations cannot be batched: send each on its own.',
    );
  }
  if (req.method !== 'POST') return undefined;
  const tooLarge = () =>
    new AppError(
      'payload_too_large',
      `The request body is over ${MAX_TRPC_BODY_BYTES} bytes (1 MiB), the limit for /trpc.`,
    );
  let body: Buffer;
  try {
    const read = readBody(req, MAX_TRPC_BODY_BYTES, tooLarge);
    body = read instanceof Buffer ? read : await read;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  if (!isUtf8(body)) {
    return new AppError('malformed_json', 'The request body is not UTF-8 text.');
  }
  (req as { body?: string }).body = body.toString('utf8');
  return undefined;
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function createTrpcHandler(deps: {
  store: Store;
  auth: Auth;
  live: LiveHub;
  sharing: Sharing;
  alerts: AlertDeliverySettings;
  readLimits: ReadLimits;
  now: () => number;
  logger: Logger;
  /** The client's address, for the per-address limits (http/client-address.ts). */
  clientAddress: (req: Request) => string;
  /** How long a live stream may be silent before it is sent a ping. */
  livePingMs: number;
}): RequestHandler {
  const createContext = async (req: Request, res: Response): Promise<Context> => {
    const secure = req.secure;
    const session = await deps.auth.authenticate(req.headers.cookie, secure).catch(unavailable);
    if (session?.setCookie) res.append('set-cookie', session.setCookie);
    return {
      store: deps.store,
      auth: deps.auth,
      live: deps.live,
      sharing: deps.sharing,
      alerts: deps.alerts,
      readLimits: deps.readLimits,
      now: deps.now,
      user: session?.user ?? null,
      sessionId: session?.sessionId ?? null,
      clientAddress: deps.clientAddress(req),
      cookieHeader: req.headers.cookie,
      userAgent: req.headers['user-agent'],
      secure,
      setCookie: (cookie) => res.append('set-cookie', cookie),
    };
  };
  const onError = (error: TRPCError, path: string | undefined) => {
    if (isClientGone(error.cause)) {
      deps.logger('info', 'the client closed the connection before the answer', { path });
    } else if (error.code === 'INTERNAL_SERVER_ERROR') {
      deps.logger('error', 'tRPC procedure failed', {
        path,
        error: error.cause instanceof Error ? error.cause.stack : error.message,
      });
    }
  };
  const trpc = createExpressMiddleware<AppRouter>({
    router: appRouter,
    // Never reached (guard() reads every body first); kept as a second line of defence.
    maxBodySize: MAX_TRPC_BODY_BYTES,
    // Runs inside tRPC's handler: a refusal passed to next() becomes every call's error, in
    // tRPC's own shape (with appCode), for single calls and batches alike.
    middleware(req, res, next) {
      guard(req as Request).then(
        (refusal) => {
          if (!refusal) return next();
          // tRPC must not read the body itself (it would buffer all of it): it gets none, and
          // the connection closes after the answer instead of reading the rest.
          (req as { body?: string }).body = undefined;
          if (!req.complete) res.setHeader('connection', 'close');
          next(trpcError(refusal));
        },
        (error: unknown) => {
          (req as { body?: string }).body = undefined;
          next(error);
        },
      );
    },
    createContext: ({ req, res }) => createContext(req as Request, res as Response),
    // The longest wait any call's error asks for (an unavailable store, a rate limit), as
    // REST sends it: clients and proxies that honour Retry-After need not read the body.
    responseMeta({ errors }) {
      const waits = errors.map((error) =>
        error.cause instanceof AppError ? (error.cause.retryAfterSeconds ?? 0) : 0,
      );
      const wait = Math.max(0, ...waits);
      return wait > 0 ? { headers: { 'retry-after': String(wait) } } : {};
    },
    onError: ({ error, path }) => onError(error, path),
  });
  // Subscriptions go to our own SSE writer (http/live-stream.ts), public share links' reads
  // to http/share-reads.ts: the same procedures, each event or shared answer serialised once
  // for all its viewers. A request the guard refuses goes to tRPC, which refuses it.
  return (req, res, next) => {
    if (isSubscription(req)) {
      void serveLiveStream(req, res, { createContext, onError, pingMs: deps.livePingMs });
    } else if (isShareRead(req)) {
      guard(req).then(
        (refusal) =>
          refusal ? trpc(req, res, next) : serveShareReads(req, res, { createContext, onError }),
        next,
      );
    } else trpc(req, res, next);
  };
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
