import type { IncomingMessage, ServerResponse } from 'node:http';
import { asServiceUnavailable } from '@bucketgrid/services';
import { AppError } from '@bucketgrid/shared';
import type { Logger } from '../log.ts';
import { sendProblem } from './responses.ts';

/** Turns anything a handler threw into the answer; shared by the ingest fast path and Express. */
export type ErrorResponder = (req: IncomingMessage, res: ServerResponse, error: unknown) => void;

const INTERNAL = new AppError('internal_error', 'Something went wrong on our side.');

/** Node's errors for a client that closed its connection while we read or answered. */
const CLIENT_GONE = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

export function isClientGone(error: unknown): boolean {
  return CLIENT_GONE.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

export function createErrorResponder(logger: Logger): ErrorResponder {
  return (req, res, thrown) => {
    // A store that did not answer in time is 503 with Retry-After, not an internal error.
    const error = asServiceUnavailable(thrown);
    const fields = { method: req.method, path: pathOf(req) };
    if (isClientGone(error)) {
      // Nobody is left to answer, and nothing went wrong on our side: a fact, not a failure.
      logger('info', 'the client closed the connection before the answer', fields);
      return;
    }
    if (error instanceof AppError) {
      if (!res.headersSent && !res.destroyed) sendProblem(res, error);
      return;
    }
    if ((error as { status?: number } | undefined)?.status === 400) {
      // Express refuses a path it cannot decode (a stray %) before any handler runs.
      sendProblem(
        res,
        new AppError('invalid_query', 'The URL is malformed (check its % escapes).'),
      );
      return;
    }
    logger('error', 'unhandled error', {
      ...fields,
      error: error instanceof Error ? error.stack : String(error),
    });
    if (res.headersSent || res.destroyed) res.destroy();
    else sendProblem(res, INTERNAL);
  };
}

/** The path without its query string (which may hold record keys) for logs. */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
