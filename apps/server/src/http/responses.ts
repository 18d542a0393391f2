import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { AppError } from '@bucketgrid/shared';

/**
 * The web app loads only its own scripts, styles, images and fonts and talks only to its own
 * origin; nothing may frame it (clickjacking: the typed-name revoke is one click away).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The API reference page's: the app's, except that its renderer (Scalar) injects style
 * elements, so inline styles are allowed there, and only there. Scripts stay 'self'.
 */
export const API_REFERENCE_POLICY = CONTENT_SECURITY_POLICY.replace(
  "style-src 'self'",
  "style-src 'self' 'unsafe-inline'",
);

/** A JSON answer loads nothing and is framed by nothing, whatever opens it. */
const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

const OTHER_SECURITY_HEADERS = [
  'x-frame-options',
  'DENY',
  'x-content-type-options',
  'nosniff',
  'referrer-policy',
  'no-referrer',
];

/**
 * Sent with every JSON answer (the API's too: a JSON answer framed or sniffed as HTML is an
 * attack surface), as a flat [name, value, ...] list that hot paths spread into writeHead.
 */
export const SECURITY_HEADERS: readonly string[] = [
  'content-security-policy',
  API_CONTENT_SECURITY_POLICY,
  ...OTHER_SECURITY_HEADERS,
];

const APP_SECURITY_HEADERS = [
  'content-security-policy',
  CONTENT_SECURITY_POLICY,
  ...OTHER_SECURITY_HEADERS,
];

/**
 * For every answer that does not take the fast path, before Express: the web app's policy
 * (JSON answers written by sendJson and sendProblem replace it with the API's).
 */
export function setSecurityHeaders(res: ServerResponse): void {
  for (let i = 0; i < APP_SECURITY_HEADERS.length; i += 2) {
    res.setHeader(APP_SECURITY_HEADERS[i]!, APP_SECURITY_HEADERS[i + 1]!);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/**
 * An answer already serialised as JSON (see Store.downsampleRecordsJson), in parts written one
 * after the other: a page's records as the reader thread wrote them are not copied again.
 */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  ...parts: (string | Uint8Array)[]
): void {
  let length = 0;
  for (const part of parts) length += Buffer.byteLength(part);
  res.writeHead(status, [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(length),
    ...SECURITY_HEADERS,
  ]);
  for (const part of parts.slice(0, -1)) res.write(part);
  res.end(parts.at(-1));
}

function problemHeaders(error: AppError, length: number): string[] {
  const headers = [
    'content-type',
    'application/problem+json; charset=utf-8',
    'content-length',
    String(length),
    ...SECURITY_HEADERS,
  ];
  if (error.retryAfterSeconds !== undefined) {
    headers.push('retry-after', String(error.retryAfterSeconds));
  }
  return headers;
}

/**
 * An AppError as RFC 9457 problem+json. When the request's body has not been read (refused
 * before reading, or still arriving), the connection closes after the answer, so the rest of
 * the body is never read (a 256 MB upload costs nothing once refused).
 */
export function sendProblem(res: ServerResponse, error: AppError): void {
  const text = JSON.stringify(error.toProblem());
  const headers = problemHeaders(error, Buffer.byteLength(text));
  if (!res.req.complete) headers.push('connection', 'close');
  res.writeHead(error.status, headers);
  res.end(text);
}

/** The same answer as raw HTTP/1.1 bytes, for a socket that has no response object. */
export function rawProblem(error: AppError): string {
  const text = JSON.stringify(error.toProblem());
  const headers = problemHeaders(error, Buffer.byteLength(text));
  headers.push('connection', 'close');
  let head = `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}\r\n${text}`;
}
