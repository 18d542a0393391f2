/**
 * What reaches the server below HTTP: many slow connections from one address, framing the
 * parser cannot read, and clients that hang up mid-upload. Assertions count connections and
 * log lines; none waits on a clock.
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/log.ts';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';
import { openSocket, parseResponse } from './raw-http.ts';

interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

let server: TestServer;
const logs: LogLine[] = [];
const logged: (() => void)[] = [];
const logger: Logger = (level, message, fields) => {
  logs.push({ level, message, fields });
  for (const wake of logged.splice(0)) wake();
};
/** Resolves once a log line matching `match` was written. */
async function logLine(match: (line: LogLine) => boolean): Promise<LogLine> {
  for (;;) {
    const line = logs.find(match);
    if (line) return line;
    await new Promise<void>((resolve) => logged.push(resolve));
  }
}

beforeAll(async () => {
  server = await startTestServer({ logger, maxConnectionsPerAddress: 20 });
});
afterAll(() => server.stopAll());

/** The server's open connections. */
function connections(): Promise<number> {
  return new Promise((resolve, reject) =>
    server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

/** Checks `condition` up to 1,000 times, yielding to the event loop in between. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 1000; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the condition never held');
}

/** Reads what the server answers on `socket` until it closes the connection. */
function answerOf(socket: Socket): Promise<string> {
  let raw = '';
  socket.on('data', (data: Buffer) => {
    raw += data.toString('latin1');
  });
  return new Promise((resolve) => socket.once('close', () => resolve(raw)));
}

describe('slow headers from one address', () => {
  it('caps that address’s connections and keeps serving everyone else', async () => {
    // 200 connections from 127.0.0.2, each sending half a request head, then nothing.
    const attack = await Promise.all(
      Array.from({ length: 200 }, () => openSocket(server.url, '127.0.0.2')),
    );
    const answers = attack.map((socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Slow: ');
      return answerOf(socket);
    });
    // The server closes every connection past the 20th: wait (on events) for 180 closes.
    await new Promise<void>((resolve) => {
      let closed = 0;
      for (const socket of attack) {
        socket.once('close', () => {
          if (++closed === 180) resolve();
        });
      }
    });
    const open = attack.filter((socket) => !socket.closed);
    expect(open).toHaveLength(20);
    const refusal = parseResponse(await answers[attack.findIndex((socket) => socket.closed)]!);
    expect(refusal.status).toBe(429);
    expect(refusal.headers).toMatch(/^content-type: application\/problem\+json/im);
    expect(refusal.body).toMatchObject({ code: 'too_many_connections' });
    // Meanwhile a normal client, from another address, is served.
    expect((await call(`${server.url}/healthz`)).status).toBe(200);
    // Once the attacker lets go (and the server has seen it), the address may connect again.
    for (const socket of open) socket.destroy();
    await Promise.all(answers);
    await until(async () => (await connections()) <= 1);
    const again = await openSocket(server.url, '127.0.0.2');
    const answer = answerOf(again);
    again.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(parseResponse(await answer).status).toBe(200);
  });
});

describe('framing the parser cannot read', () => {
  const send = async (bytes: string) => {
    const socket = await openSocket(server.url);
    const answer = answerOf(socket);
    socket.write(bytes);
    return parseResponse(await answer);
  };

  it('answers malformed HTTP with problem+json, not Node’s bare 400', async () => {
    for (const bytes of [
      'GET / HTTP/1.1\r\nHost x\r\n\r\n',
      'BREW /pot HTCPCP/1.0\r\n\r\n',
      'POST /api/buckets/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n',
    ]) {
      const answer = await send(bytes);
      expect(answer.status, bytes).toBe(400);
      expect(answer.headers).toMatch(/^content-type: application\/problem\+json/im);
      expect(answer.headers).toMatch(/^x-frame-options: DENY/im);
      expect(answer.body).toMatchObject({ status: 400, code: 'malformed_request' });
    }
  });

  it('answers headers over 16 KiB with 431 problem+json', async () => {
    const answer = await send(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.body).toMatchObject({ code: 'headers_too_large' });
  });
});

describe('a client that hangs up mid-upload', () => {
  it('is logged once, as info without a stack, and nothing is written', async () => {
    const { bucket, key } = await provision(server.store, 'IV');
    const socket = await openSocket(server.url);
    let answer = '';
    const continued = new Promise<void>((resolve) =>
      socket.on('data', (data: Buffer) => {
        answer += data.toString('latin1');
        if (answer.startsWith('HTTP/1.1 100')) resolve();
      }),
    );
    // "Expect: 100-continue": the server's "100 Continue" proves it is handling the request.
    socket.write(
      `POST /api/buckets/${bucket.id} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${key}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n',
    );
    await continued;
    socket.write('[{"k":1,"d":[{"sk":1,"v":1}]}');
    socket.destroy();
    // The first line about it: before, an "unhandled error" with a stack.
    const line = await logLine((l) => l.level === 'error' || l.message.includes('closed'));
    expect(line).toMatchObject({ level: 'info', message: expect.stringContaining('closed') });
    expect(JSON.stringify(line.fields)).not.toMatch(/stack|\bat /);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect((await call(`${server.url}/api/buckets/${bucket.id}`, { key })).json.records).toEqual(
      [],
    );
  });
});
