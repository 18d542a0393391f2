import { type AppRouter, appRouter, type Context } from '@bucketgrid/trpc';
import { TRPCError } from '@trpc/server';
import { getErrorShape } from '@trpc/server/unstable-core-do-not-import';
import type { Request, Response } from 'express';

/**
 * What the calls served outside tRPC's HTTP handler (live streams, public share reads) share
 * with it: the router's procedures and the shape of its errors.
 */

export const trpcConfig = appRouter._def._config;

// At run time tRPC keeps every procedure under its dotted path ("share.live").
const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: string } } | undefined
>;

/** `query`, `mutation` or `subscription`; undefined for no such procedure. */
export function procedureType(path: string): string | undefined {
  return procedures[path]?._def.type;
}

/** The error as tRPC answers it (our errorFormatter's shape, with `appCode`). */
export function errorShapeOf(
  error: TRPCError,
  call: { type: 'query' | 'subscription'; path: string; input: unknown; ctx: Context | undefined },
) {
  return getErrorShape<AppRouter['_def']['_config']['$types']>({
    config: trpcConfig,
    error,
    ...call,
  });
}

/** What a call served here gets from the tRPC handler: its context maker and error logger. */
export interface CallDeps {
  createContext: (req: Request, res: Response) => Promise<Context>;
  onError: (error: TRPCError, path: string) => void;
}

/** The `?input=` JSON, as tRPC reads it (PARSE_ERROR when it is not JSON). */
export function queryInput(req: Request): unknown {
  const raw = req.query.input;
  try {
    return typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch (cause) {
    throw new TRPCError({ code: 'PARSE_ERROR', message: 'The input is not JSON.', cause });
  }
}
