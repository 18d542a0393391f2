import {
  asServiceUnavailable,
  getBucketOrThrow,
  getDashboardForMember,
  userAuthor,
} from '@bucketgrid/services';
import { AppError, idSchema, type ProblemCode, type Role, roleAtLeast } from '@bucketgrid/shared';
import type { Dashboard, DashboardRef } from '@bucketgrid/store';
import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError, z } from 'zod';
import type { Context } from './context.ts';

const codeByStatus: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Live streams send a ping after this much silence, so proxies and clients see them alive. */
export const LIVE_PING_MS = 15_000;
/** A client that hears nothing (not even a ping) for this long reconnects by itself. */
export const LIVE_RECONNECT_AFTER_MS = 40_000;

/** A problem with one input field: `path` like `name` or `widgets.3.pos.w`. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * The fields an error is about, as data (so clients never parse them out of messages): from
 * the input schema's issues, or from the JSON pointers of an AppError's `errors`.
 */
function fieldErrorsOf(error: TRPCError): FieldError[] | undefined {
  if (error.cause instanceof ZodError) {
    return error.cause.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
  }
  if (error.cause instanceof AppError && error.cause.errors) {
    return error.cause.errors.map((item) => ({
      path: item.parameter ?? (item.pointer ?? '').split('/').slice(1).join('.'),
      message: item.detail,
    }));
  }
  return undefined;
}

/** Never internals; for input errors, the first problem in words instead of zod's JSON. */
function messageOf(error: TRPCError, fallback: string): string {
  if (error.code === 'INTERNAL_SERVER_ERROR') return 'Something went wrong on our side.';
  if (error.cause instanceof ZodError) {
    const [first, ...rest] = error.cause.issues;
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    const more =
      rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    return `${where}${first?.message ?? 'invalid input'}${more}`;
  }
  return fallback;
}

const t = initTRPC.context<Context>().create({
  sse: {
    ping: { enabled: true, intervalMs: LIVE_PING_MS },
    client: { reconnectAfterInactivityMs: LIVE_RECONNECT_AFTER_MS },
  },
  /** Every tRPC error carries our stable code (`appCode`) and the fields it is about. */
  errorFormatter({ shape, error }) {
    const cause = error.cause instanceof AppError ? error.cause : undefined;
    const appCode: ProblemCode | undefined =
      cause?.code ?? (error.code === 'BAD_REQUEST' ? 'invalid_input' : undefined);
    return {
      ...shape,
      message: messageOf(error, shape.message),
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: appCode ?? (error.code === 'INTERNAL_SERVER_ERROR' ? 'internal_error' : undefined),
        retryAfterSeconds: cause?.retryAfterSeconds,
        fieldErrors: fieldErrorsOf(error),
      },
    };
  },
});

export const router = t.router;

/** How an AppError becomes a tRPC error (its code travels as `data.appCode`). */
export function toTRPCError(cause: AppError): TRPCError {
  return new TRPCError({
    code: codeByStatus[cause.status] ?? 'INTERNAL_SERVER_ERROR',
    message: cause.message,
    cause,
  });
}

/**
 * The one place an AppError thrown by a service (or a store that cannot answer) becomes a
 * tRPC error. (Errors a live stream raises after it started bypass middleware: `live.ts`
 * converts those with `toTRPCError`.)
 */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const cause = result.ok ? undefined : asServiceUnavailable(result.error.cause);
  if (cause instanceof AppError) throw toTRPCError(cause);
  return result;
});

export const publicProcedure = t.procedure.use(appErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user || !ctx.sessionId) {
    throw new AppError('unauthenticated', 'Sign in first.');
  }
  // Who the activity log names for this caller's changes.
  const author = userAuthor(ctx.user, ctx.clientAddress, ctx.now);
  return next({ ctx: { ...ctx, user: ctx.user, sessionId: ctx.sessionId, author } });
});

/** What a dashboard-scoped procedure knows: the dashboard and the caller's role in it. */
export interface DashboardScope {
  dashboard: Dashboard;
  role: Role;
}

/**
 * Loads the dashboard (by id or path) with the caller's role, in one query. A non-member gets
 * NOT_FOUND, exactly as for an id that never existed and after the same work; a member below
 * `needed` gets FORBIDDEN.
 */
export async function resolveScope(
  ctx: Context & { user: { id: string } },
  ref: DashboardRef,
  needed: Role,
): Promise<DashboardScope> {
  const scope = await getDashboardForMember(ctx.store, ref, ctx.user.id);
  if (!roleAtLeast(scope.role, needed)) {
    throw new AppError('forbidden', `This needs the ${needed} role on this dashboard.`);
  }
  return scope;
}

/** A procedure on one dashboard that needs at least `needed` there. */
export function dashboardProcedure(needed: Role) {
  return authedProcedure
    .input(z.object({ dashboardId: idSchema }))
    .use(async ({ ctx, input, next }) => {
      const scope = await resolveScope(ctx, input.dashboardId, needed);
      return next({ ctx: { ...ctx, ...scope } });
    });
}

/**
 * A procedure on one bucket of a dashboard (input `bucketId`) that needs at least `needed`
 * there: loads the bucket once. A bucket of another dashboard is NOT_FOUND exactly as an id
 * that never existed, after the same work.
 */
export function bucketProcedure(needed: Role) {
  return dashboardProcedure(needed)
    .input(z.object({ bucketId: idSchema }))
    .use(async ({ ctx, input, next }) => {
      const bucket = await getBucketOrThrow(ctx.store, input.bucketId, ctx.dashboard.id);
      return next({ ctx: { ...ctx, bucket } });
    });
}
