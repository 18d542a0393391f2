import { once } from 'node:events';
import { appRouter, type Context } from '@bucketgrid/trpc';
import {
  callProcedure,
  getTRPCErrorFromUnknown,
  isObject,
  isTrackedEnvelope,
  sseHeaders,
} from '@trpc/server/unstable-core-do-not-import';
import type { Request, Response } from 'express';
import {
  type CallDeps,
  trpcConfig as config,
  errorShapeOf,
  procedureType,
  queryInput,
} from './trpc-calls.ts';

/**
 * tRPC subscriptions (`dashboards.live`, `buckets.live`, `share.live`) served over SSE by a
 * small writer of our own instead of tRPC's: the same procedures (their input, middleware and
 * errors) and the same wire format tRPC's client reads (`connected`, `ping`, tracked data
 * events, `serialized-error`, `return`), but each event is serialised once and the same bytes
 * are written to every view's socket. tRPC's own SSE path runs every event of every view
 * through two web-stream transforms, a text encoder and a ping timer: measured at 150–200 µs
 * of server CPU per delivery, it was the whole cost of a busy dashboard's fan-out
 * (docs/performance.md, "Live views and public links").
 */

/** The silence after which a stream is sent a ping: the router's, unless the app says otherwise. */
export const DEFAULT_PING_MS = config.sse?.ping?.intervalMs ?? 15_000;
const CONNECTED = `event: connected\ndata: ${JSON.stringify(config.sse?.client ?? {})}\n\n`;
const PING = 'event: ping\ndata: \n\n';
const RETURN = 'event: return\ndata: \n\n';

/**
 * Each event's frame, by the event object: the live hub hands the same message (and event)
 * object to every view of a dashboard, so a frame is built once however many views send it.
 */
const frames = new WeakMap<object, Buffer>();

function frameOf(id: string, data: unknown): Buffer {
  const cached = isObject(data) ? frames.get(data) : undefined;
  if (cached) return cached;
  const frame = Buffer.from(`data: ${JSON.stringify(data)}\nid: ${id}\n\n`);
  if (isObject(data)) frames.set(data, frame);
  return frame;
}

/** Whether the request is one subscription (never a batch): the calls this writer serves. */
export function isSubscription(req: Request): boolean {
  if (req.method !== 'GET') return false;
  return procedureType(req.path.slice(1)) === 'subscription' && req.query.batch === undefined;
}

/** As tRPC reads a subscription's input: `?input=` JSON, plus the id to resume after. */
function inputOf(req: Request): unknown {
  let input = queryInput(req);
  const lastEventId =
    req.get('last-event-id') ?? req.query.lastEventId ?? req.query['Last-Event-Id'];
  if (typeof lastEventId === 'string' && lastEventId) {
    input = isObject(input) ? { ...input, lastEventId } : (input ?? { lastEventId });
  }
  return input;
}

/**
 * Serves one subscription until it ends, the client leaves or the server stops. A client that
 * stops reading is not buffered for: the writer waits for its socket to drain, so events pile
 * up in the view's bounded queue, which ends the view when full (`live_view_fell_behind`).
 */
export async function serveLiveStream(
  req: Request,
  res: Response,
  deps: CallDeps & { pingMs: number },
): Promise<void> {
  const path = req.path.slice(1);
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  // One listener for the whole stream: a drain raced with it never adds another.
  const aborted = once(abort.signal, 'abort');
  let ctx: Context | undefined;
  let input: unknown;
  // One timer for the stream, pushed back by every write (`refresh` re-arms it in place).
  const pinger = setTimeout(function ping() {
    void write(PING);
  }, deps.pingMs);
  const write = async (chunk: string | Buffer) => {
    if (abort.signal.aborted) return;
    pinger.refresh();
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), aborted]);
  };
  try {
    res.writeHead(200, sseHeaders);
    await write(CONNECTED);
    input = inputOf(req);
    ctx = await deps.createContext(req, res);
    const events = (await callProcedure({
      router: appRouter,
      path,
      getRawInput: async () => input,
      ctx,
      type: 'subscription',
      signal: abort.signal,
      batchIndex: 0,
    })) as AsyncIterable<unknown>;
    for await (const value of events) {
      if (abort.signal.aborted) break;
      await write(
        isTrackedEnvelope(value)
          ? frameOf(value[0], value[1])
          : `data: ${JSON.stringify(value)}\n\n`,
      );
    }
    await write(RETURN);
  } catch (cause) {
    if (!abort.signal.aborted) {
      const error = getTRPCErrorFromUnknown(cause);
      deps.onError(error, path);
      const shape = errorShapeOf(error, { type: 'subscription', path, input, ctx });
      await write(`event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n`);
    }
  } finally {
    clearTimeout(pinger);
    abort.abort();
    res.end();
  }
}
