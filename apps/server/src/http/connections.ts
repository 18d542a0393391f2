import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AppError } from '@bucketgrid/shared';
import { DESCRIPTOR_RESERVE, SHED_HEADROOM } from '../limits.ts';
import { plainAddress } from './client-address.ts';
import { isClientGone } from './errors.ts';
import { rawProblem } from './responses.ts';

/**
 * At most `max` open connections per client address (the socket's peer: behind a proxy that
 * is the proxy, so there the cap is off by default). One address cannot take every descriptor
 * with slow or idle connections; one over the cap is answered 429 and closed at once, and
 * `onRefused` is told (the metrics count it).
 */
export function capConnectionsPerAddress(server: Server, max: number, onRefused: () => void): void {
  if (!(max > 0 && Number.isFinite(max))) return;
  const open = new Map<string, number>();
  const refusal = rawProblem(
    new AppError(
      'too_many_connections',
      `This address has ${max} connections open, the most it may: reuse them (keep-alive) or close some.`,
      { retryAfterSeconds: 1 },
    ),
  );
  server.on('connection', (socket: Socket) => {
    const address = plainAddress(socket.remoteAddress ?? 'unknown');
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      onRefused();
      refuse(socket, refusal);
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** The process's soft limit of open files, where the system tells it (Linux). */
function descriptorLimit(): number | undefined {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** All connections together: DESCRIPTOR_RESERVE below the descriptor limit, where it is known. */
export function defaultMaxConnections(): number | undefined {
  const limit = descriptorLimit();
  return limit === undefined ? undefined : Math.max(64, limit - DESCRIPTOR_RESERVE);
}

/**
 * At most `max` open connections (past it Node closes new ones at once, and the store and the
 * log keep descriptors to work with). Before that happens, each new connection sheds the
 * oldest one still waiting for a request head (a slow-header attacker's, or an idle keep-alive
 * one), so that a flood of half-open connections from many addresses cannot lock out a client
 * that sends its request at once: SHED_HEADROOM below `max`, the server sheds instead of
 * refusing. Connections serving a request (a live view's stream included) are never shed.
 */
export function capConnections(server: Server, max: number | undefined): void {
  if (max === undefined) return;
  server.maxConnections = max;
  const shedAt = Math.max(1, max - SHED_HEADROOM);
  /** Connections waiting for a request head, oldest first (a Set keeps insertion order). */
  const waiting = new Set<Socket>();
  /** Shed connections, already uncounted while their close is on its way. */
  const shed = new WeakSet<Socket>();
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    waiting.add(socket);
    socket.once('close', () => {
      waiting.delete(socket);
      if (!shed.has(socket)) open--;
    });
    for (const oldest of waiting) {
      if (open <= shedAt || oldest === socket) break;
      waiting.delete(oldest);
      shed.add(oldest);
      open--;
      oldest.destroy();
    }
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const { socket } = req;
    waiting.delete(socket);
    res.once('finish', () => {
      if (!socket.destroyed) waiting.add(socket);
    });
  });
}

/** Node's parser errors (its codes) as problems; anything else is malformed framing. */
function framingProblem(error: NodeJS.ErrnoException): AppError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new AppError('headers_too_large', 'The request headers are over 16 KiB.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError(
        'request_timeout',
        'The request did not arrive in time (headers within 10 s, the whole request within 60 s).',
      );
    default:
      return new AppError(
        'malformed_request',
        `The request is not valid HTTP/1.1 (${error.code ?? 'unreadable'}).`,
      );
  }
}

/**
 * A request the HTTP parser cannot read (malformed framing, headers too large, too slow) gets
 * a problem+json answer when the socket can still take one, instead of Node's bare 400. Not
 * logged: the client was told, and a flood of them would flood the log.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // As Node does: never write into an answer that has begun.
    const inFlight = (socket as { _httpMessage?: { headersSent: boolean } })._httpMessage;
    if (isClientGone(error) || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    refuse(socket, rawProblem(framingProblem(error)));
  });
}

/** Writes a whole answer, reads nothing more, and closes once it is sent. */
function refuse(socket: Socket, answer: string): void {
  socket.pause();
  socket.end(answer);
  socket.destroySoon();
}
