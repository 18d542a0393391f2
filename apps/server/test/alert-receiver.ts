import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test receiver got, with whether its signature checked out. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the payload field by field
  json: any;
  /** The status the receiver answered with. */
  answered: number;
}

/** A real HTTP server on 127.0.0.1 that receives webhooks as a customer's would. */
export interface AlertReceiver {
  url: string;
  received: Received[];
  /** The statuses to answer with next, in order; 200 once they run out. */
  answerWith(...statuses: number[]): void;
  /** Waits until `count` requests match (up to `timeoutMs`). */
  waitFor(
    predicate: (r: Received) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<Received[]>;
  close(): Promise<void>;
}

/**
 * Checks a webhook's signature as docs/alerts.md tells receivers to: HMAC-SHA256 with the
 * contact point's secret over `${X-Bucketgrid-Timestamp}.${body}`, compared in constant time.
 */
export function verifySignature(
  secret: string,
  headers: IncomingHttpHeaders,
  body: string,
): boolean {
  const timestamp = String(headers['x-bucketgrid-timestamp'] ?? '');
  const given = String(headers['x-bucketgrid-signature'] ?? '').replace(/^sha256=/, '');
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answered = statuses.shift() ?? 200;
      received.push({ headers: req.headers, body, json: JSON.parse(body), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answerWith: (...next) => statuses.push(...next),
    async waitFor(predicate, count = 1, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const matching = received.filter(predicate);
        if (matching.length >= count) return matching;
        if (Date.now() > until) {
          throw new Error(
            `waited ${timeoutMs} ms for ${count} webhook(s); got ${JSON.stringify(received.map((r) => r.json))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
