/**
 * Every route has a body limit, checked while reading and before parsing: a huge body is
 * refused without being read (the attack: one 256 MB POST to /trpc/auth.signIn raised the
 * server's memory by 617 MB). The bound asserted is work, not time: how many bytes the server
 * took before it closed the connection.
 */
import {
  layoutContentSchema,
  MAX_TEXT_WIDGET_LENGTH,
  MAX_WIDGETS,
  seriesListSchema,
} from '@bucketgrid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';
import { openSocket, parseResponse, pushBody } from './raw-http.ts';

const MiB = 1024 * 1024;
const HUGE = 256 * MiB;
/** What the kernels' socket buffers can hold on loopback, with a wide margin. */
const BUFFERED = 16 * MiB;

let server: TestServer;
let host: string;
beforeAll(async () => {
  server = await startTestServer();
  host = new URL(server.url).host;
});
afterAll(() => server.stopAll());

const trpcHead = (path: string, length: number | 'chunked') =>
  `POST /trpc/${path} HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\n` +
  'Content-Type: application/json\r\n' +
  (length === 'chunked' ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`) +
  '\r\n';

/** Sends only the head and reads the whole answer (the server closes after it). */
async function headOnly(head: string) {
  const socket = await openSocket(server.url);
  let raw = '';
  socket.on('data', (data: Buffer) => {
    raw += data.toString('latin1');
  });
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.write(head);
  await closed;
  return parseResponse(raw);
}

describe('/trpc', () => {
  it('refuses a 256 MB body to auth.signIn without reading it, four at once', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => pushBody(server.url, trpcHead('auth.signIn', HUGE), HUGE)),
    );
    for (const { written, response } of results) {
      expect(written).toBeLessThan(BUFFERED);
      if (response !== '') expect(parseResponse(response).status).toBe(413);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MiB);
  });

  it('stops reading a chunked body (no declared length) at the limit', async () => {
    const { written } = await pushBody(server.url, trpcHead('auth.signIn', 'chunked'), HUGE, {
      chunked: true,
    });
    expect(written).toBeLessThan(BUFFERED);
  });

  it('answers in tRPC’s shape, with the limit in the message', async () => {
    const answer = await headOnly(trpcHead('auth.signIn', 2 * MiB));
    expect(answer.status).toBe(413);
    expect(answer.headers).toMatch(/^connection: close/im);
    expect(answer.body).toMatchObject({
      error: {
        message: expect.stringContaining('1048576 bytes'),
        data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413, appCode: 'payload_too_large' },
      },
    });
  });

  it('takes the largest legitimate inputs', async () => {
    // A layout of 50 text widgets with the longest notes, in a 3-byte script: the largest
    // input any procedure takes, and it must fit.
    const layout = layoutContentSchema.parse({
      widgets: Array.from({ length: MAX_WIDGETS }, (_, i) => ({
        id: `widget-${i}`.padEnd(32, 'x'),
        type: 'text',
        title: '表'.repeat(100),
        pos: { x: 0, y: i * 20, w: 12, h: 20 },
        markdown: '表'.repeat(MAX_TEXT_WIDGET_LENGTH),
      })),
    });
    const series = seriesListSchema.parse(
      Array.from({ length: 1000 }, (_, i) => ({
        sk: i + 1,
        name: '表'.repeat(60),
        unit: '表'.repeat(16),
        color: '#abcdef',
        decimals: 6,
      })),
    );
    for (const input of [layout, series]) {
      const size = Buffer.byteLength(JSON.stringify({ dashboardId: 'x'.repeat(64), input }));
      expect(size).toBeLessThan(MiB);
    }
    // A body just under the limit is read and parsed: the answer is the procedure's own.
    const padding = ' '.repeat(MiB - 200);
    const r = await call(`${server.url}/trpc/auth.signIn`, {
      method: 'POST',
      raw: `{"email":"nobody@example.com","password":"wrong password"}${padding}`,
      headers: { 'content-type': 'application/json', origin: server.url },
    });
    expect(r.json.error.data.appCode).toBe('invalid_credentials');
  });
});

describe('batches', () => {
  const batch = (paths: string[], inputs: unknown[]) =>
    call(`${server.url}/trpc/${paths.join(',')}?batch=1`, {
      method: 'POST',
      body: Object.fromEntries(inputs.map((input, i) => [i, input])),
      headers: { origin: server.url },
    });
  const signIn = { email: 'nobody@example.com', password: 'wrong password' };

  it('refuses a batch of more than 20 calls, saying so', async () => {
    const queries = (n: number) =>
      call(`${server.url}/trpc/${Array(n).fill('auth.me').join(',')}?batch=1&input={}`);
    const ok = await queries(20);
    expect(ok.status).toBe(200);
    expect(ok.json).toHaveLength(20);
    const refused = await queries(21);
    expect(refused.status).toBe(400);
    expect(refused.json).toHaveLength(21);
    expect(refused.json[0].error.data.appCode).toBe('batch_too_large');
    expect(refused.json[0].error.message).toContain('at most 20 calls');
  });

  it('refuses an auth mutation beside any other call, and takes it alone', async () => {
    const thousand = await batch(Array(1000).fill('auth.signIn'), Array(1000).fill(signIn));
    expect(thousand.json[0].error.data.appCode).toBe('batch_too_large');
    const two = await batch(['auth.signIn', 'auth.signIn'], [signIn, signIn]);
    expect(two.status).toBe(400);
    expect(
      two.json.map((r: { error: { data: { appCode: string } } }) => r.error.data.appCode),
    ).toEqual(['not_batchable', 'not_batchable']);
    const mixed = await batch(['dashboards.create', 'auth.signUp'], [{ name: 'x' }, signIn]);
    expect(mixed.json[1].error.data.appCode).toBe('not_batchable');
    // The web app sends each mutation as a batch of one: that is one call, and it runs.
    const alone = await batch(['auth.signIn'], [signIn]);
    expect(alone.json[0].error.data.appCode).toBe('invalid_credentials');
  });
});

describe('REST and every other route', () => {
  it('refuses a 256 MB write without reading it, with a problem that states the limit', async () => {
    const { bucket, key } = await provision(server.store, 'IV');
    const head = (apiKey: string) =>
      `POST /api/buckets/${bucket.id} HTTP/1.1\r\nHost: ${host}\r\nX-API-Key: ${apiKey}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${HUGE}\r\n\r\n`;
    const pushed = await pushBody(server.url, head(key), HUGE);
    expect(pushed.written).toBeLessThan(BUFFERED);
    // Refused before the key is even checked does not matter: a bad key stops it as early.
    expect((await pushBody(server.url, head('bg_prod_nope'), HUGE)).written).toBeLessThan(BUFFERED);
    const answer = await headOnly(head(key));
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      code: 'payload_too_large',
      detail: expect.stringContaining('5242880 bytes'),
    });
  });

  it('reads a plain write body of up to 8 MiB to its end before the 413, so the sender sees it', async () => {
    // Node's fetch (as most clients) sends the whole body before it reads the answer: a server
    // that answers and closes mid-body makes it fail with EPIPE or ECONNRESET, not the 413.
    const { bucket, key } = await provision(server.store, 'IV');
    const size = 6 * MiB;
    const declared =
      `POST /api/buckets/${bucket.id} HTTP/1.1\r\nHost: ${host}\r\nX-API-Key: ${key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`;
    const chunked =
      `POST /api/buckets/${bucket.id} HTTP/1.1\r\nHost: ${host}\r\nX-API-Key: ${key}\r\n` +
      `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
    for (const [head, chunks] of [
      [declared, false],
      [chunked, true],
    ] as const) {
      const pushed = await pushBody(server.url, head, size, { chunked: chunks });
      expect(pushed.written).toBe(size);
      expect(parseResponse(pushed.response)).toMatchObject({
        status: 413,
        body: { code: 'payload_too_large' },
      });
    }
  });

  it('does not read or drain a body on routes that take none', async () => {
    const head = `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${HUGE}\r\n\r\n`;
    expect((await pushBody(server.url, head, HUGE)).written).toBeLessThan(BUFFERED);
    const refused = await headOnly(head);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'payload_too_large' });
    const chunked = `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const drained = await pushBody(server.url, chunked, HUGE, { chunked: true });
    expect(drained.written).toBeLessThan(BUFFERED);
    expect(parseResponse(drained.response).status).toBe(200);
  });
});

describe('/mcp', () => {
  const mcpHead = (apiKey: string, length: number | 'chunked') =>
    `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nX-API-Key: ${apiKey}\r\n` +
    'Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n' +
    (length === 'chunked' ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`) +
    '\r\n';

  it('refuses a 256 MB message without reading it, with a problem that states the limit', async () => {
    const { key } = await provision(server.store, 'IV');
    expect((await pushBody(server.url, mcpHead(key, HUGE), HUGE)).written).toBeLessThan(BUFFERED);
    const answer = await headOnly(mcpHead(key, HUGE));
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      code: 'payload_too_large',
      detail: expect.stringContaining('5242880 bytes'),
    });
  });

  it('stops reading a chunked message (no declared length) past the drain bound', async () => {
    const { key } = await provision(server.store, 'IV');
    const pushed = await pushBody(server.url, mcpHead(key, 'chunked'), HUGE, { chunked: true });
    expect(pushed.written).toBeLessThan(BUFFERED);
    // The server closes with the rest of the body unread, so its kernel may answer the
    // sender's next bytes with a reset that discards the 413 before the client reads it
    // (CI saw it once): the answer, when it arrives, is the 413.
    if (pushed.response !== '') {
      expect(parseResponse(pushed.response)).toMatchObject({
        status: 413,
        body: { code: 'payload_too_large' },
      });
    }
  });
});
