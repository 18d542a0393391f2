import { AppError } from '@bucketgrid/shared';
import { appRouter, type Context } from '@bucketgrid/trpc';
import {
  callProcedure,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  isObject,
} from '@trpc/server/unstable-core-do-not-import';
import type { Request, Response } from 'express';
import { type CallDeps, errorShapeOf, procedureType, queryInput } from './trpc-calls.ts';

/**
 * A public share link's reads (`share.open`, `share.downsample`, `share.records`, single or
 * batched GETs) answered without tRPC's HTTP handler: the same procedures (input, middleware,
 * errors, status codes, `Retry-After`) and the same JSON, but each answer is serialised once
 * for all the viewers it is shared with. A locked link's viewers get the very same answer
 * object for a second (services/share-read-cache.ts), so what is left per viewer is the call
 * and a copy of bytes; tRPC's handler cost each call a fetch `Request`, an abort signal, a
 * web stream for the body and a serialisation of the whole answer (docs/performance.md, "Live
 * views and public links").
 */

/** Each shared answer's JSON, by the answer object (dropped with it). */
const serialised = new WeakMap<object, string>();

function jsonOf(data: unknown): string {
  if (!isObject(data)) return JSON.stringify(data) ?? 'null';
  let json = serialised.get(data);
  if (json === undefined) {
    json = JSON.stringify(data);
    serialised.set(data, json);
  }
  return json;
}

/** Whether the request is a GET whose every call is a share-link query. */
export function isShareRead(req: Request): boolean {
  if (req.method !== 'GET') return false;
  return req.path
    .slice(1)
    .split(',')
    .every((path) => path.startsWith('share.') && procedureType(path) === 'query');
}

/** The calls' inputs as tRPC reads them: `?input=` JSON, by index when batched. */
function inputsOf(req: Request, count: number, batch: boolean): unknown[] {
  const parsed = queryInput(req);
  if (!batch) return [parsed];
  return Array.from({ length: count }, (_, i) =>
    isObject(parsed) ? (parsed as Record<string, unknown>)[i] : undefined,
  );
}

/**
 * Answers the calls. `guard` has already held the request to the batch limits; the caller
 * passes the same context maker and error logger as tRPC's handler has.
 */
export async function serveShareReads(req: Request, res: Response, deps: CallDeps): Promise<void> {
  const paths = req.path.slice(1).split(',');
  const batch = req.query.batch === '1' || req.query.batch === 'true';
  // Aborted only when the client leaves before the answer: an abort makes a DOMException with
  // its stack, some 50 µs a request when done on every close.
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  let ctx: Context | undefined;
  let inputs: unknown[] = [];
  const failure = (cause: unknown, path: string, input: unknown) => {
    const error = getTRPCErrorFromUnknown(cause);
    deps.onError(error, path);
    return { error, shape: errorShapeOf(error, { type: 'query', path, input, ctx }) };
  };
  let answers: ({ data: unknown } | ReturnType<typeof failure>)[];
  try {
    inputs = inputsOf(req, paths.length, batch);
    ctx = await deps.createContext(req, res);
    const context = ctx;
    answers = await Promise.all(
      paths.map((path, i) =>
        callProcedure({
          router: appRouter,
          path,
          getRawInput: async () => inputs[i],
          ctx: context,
          type: 'query',
          signal: abort.signal,
          batchIndex: i,
        }).then(
          (data: unknown) => ({ data }),
          (cause: unknown) => failure(cause, path, inputs[i]),
        ),
      ),
    );
  } catch (cause) {
    answers = paths.map((path, i) => failure(cause, path, inputs[i]));
  }
  if (abort.signal.aborted) return;

  const bodies = answers.map((answer) =>
    'data' in answer
      ? `{"result":{"data":${jsonOf(answer.data)}}}`
      : JSON.stringify({ error: answer.shape }),
  );
  // As tRPC: one status for all the calls, 207 when they differ.
  const status = getHTTPStatusCode(
    answers.map((answer) =>
      'data' in answer ? { result: { data: null } } : { error: answer.shape },
    ) as never,
  );
  // The longest wait any call's error asks for, as tRPC's handler's responseMeta sends it.
  const wait = Math.max(
    0,
    ...answers.map((answer) =>
      'error' in answer && answer.error.cause instanceof AppError
        ? (answer.error.cause.retryAfterSeconds ?? 0)
        : 0,
    ),
  );
  if (wait > 0) res.setHeader('retry-after', String(wait));
  res.status(status).type('application/json');
  res.end(batch ? `[${bodies.join(',')}]` : bodies[0]);
}
