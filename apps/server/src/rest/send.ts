import type { ServerResponse } from 'node:http';
import type { AppError } from '@bucketgrid/shared';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The one place an AppError becomes an HTTP response: RFC 9457 problem+json. */
export function sendProblem(res: ServerResponse, error: AppError): void {
  if (error.retryAfterSeconds !== undefined) {
    res.setHeader('retry-after', String(error.retryAfterSeconds));
  }
  const text = JSON.stringify(error.toProblem());
  res.writeHead(error.status, {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
