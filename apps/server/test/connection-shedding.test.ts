/**
 * A slow-header flood from many addresses, each under its per-address cap, that fills the
 * server's connections: the server sheds the oldest connections still waiting for a request
 * head instead of refusing new ones, so a client that sends its request at once is served.
 * Assertions count connections; none waits on a clock.
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHED_HEADROOM } from '../src/limits.ts';
import { startTestServer, type TestServer } from './helpers.ts';
import { openSocket, parseResponse } from './raw-http.ts';

const MAX_CONNECTIONS = 200;
const ATTACK = 230;
const SHED_AT = MAX_CONNECTIONS - SHED_HEADROOM;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxConnections: MAX_CONNECTIONS });
});
afterAll(() => server.stopAll());

/** Resolves when the server closes `socket`. */
const closed = (socket: Socket) =>
  new Promise<void>((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });

/** One request on a new connection from 127.0.0.1, its head sent at once. */
async function normalRequest(): Promise<number> {
  const socket = await openSocket(server.url, '127.0.0.1');
  let raw = '';
  socket.on('data', (data: Buffer) => {
    raw += data.toString('latin1');
  });
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await closed(socket);
  return parseResponse(raw).status;
}

describe('slow headers from 80 addresses', () => {
  it('sheds the oldest half-open connections and keeps serving requests', async () => {
    const attack: Socket[] = [];
    for (let i = 0; i < ATTACK; i++) {
      // 127.0.0.2 to 127.0.0.81: at most 3 connections each, far under the per-address cap.
      const socket = await openSocket(server.url, `127.0.0.${2 + (i % 80)}`);
      socket.on('error', () => {});
      socket.write('GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Slow: ');
      attack.push(socket);
    }
    // Past SHED_AT, each new connection shed the oldest waiting one.
    await Promise.all(attack.slice(0, ATTACK - SHED_AT).map(closed));

    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push(await normalRequest());
    expect(statuses).toEqual(Array(20).fill(200));

    // The newest attackers are still connected: the server shed the oldest first, one per
    // new connection, never more.
    const stillOpen = attack.filter((socket) => !socket.closed).length;
    expect(stillOpen).toBeGreaterThan(0);
    expect(stillOpen).toBeLessThanOrEqual(SHED_AT);
    expect(attack.at(-1)!.closed).toBe(false);
    for (const socket of attack) socket.destroy();
  });
});
