import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface Pushed {
  /** Body bytes handed to the socket before the server closed the connection. */
  written: number;
  /** Whatever the server answered before closing (raw HTTP), possibly empty. */
  response: string;
}

/** A raw TCP connection to the server of `url`, optionally from another loopback address. */
export async function openSocket(url: string, localAddress?: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), localAddress });
  socket.on('error', () => {}); // a reset by the server is an expected outcome here
  await once(socket, 'connect');
  return socket;
}

/**
 * Sends `head` (request line and headers) and then up to `total` body bytes as fast as the
 * server takes them, stopping when it closes the connection. Returns how much was written:
 * a server that refuses without reading accepts only what the kernels' buffers hold.
 */
export async function pushBody(
  url: string,
  head: string,
  total: number,
  options: { chunked?: boolean } = {},
): Promise<Pushed> {
  const socket = await openSocket(url);
  let response = '';
  socket.on('data', (data: Buffer) => {
    response += data.toString('latin1');
  });
  let open = true;
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      open = false;
      resolve();
    }),
  );
  socket.write(head);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const chunkHead = `${chunk.length.toString(16)}\r\n`;
  let written = 0;
  while (open && written < total) {
    let ok = true;
    if (options.chunked) ok = socket.write(chunkHead) && ok;
    ok = socket.write(chunk) && ok;
    if (options.chunked) ok = socket.write('\r\n') && ok;
    written += chunk.length;
    if (!ok) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
  }
  if (open && options.chunked) socket.write('0\r\n\r\n');
  await closed;
  return { written, response };
}

/** The status code and JSON body of a raw HTTP/1.1 response (the first one on the wire). */
export function parseResponse(raw: string): { status: number; headers: string; body: unknown } {
  const end = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, end);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
  let text = raw.slice(end + 4);
  if (/^transfer-encoding: chunked/im.test(headers)) {
    let decoded = '';
    for (let at = 0; ; ) {
      const lineEnd = text.indexOf('\r\n', at);
      const size = Number.parseInt(text.slice(at, lineEnd), 16);
      if (!(size > 0)) break;
      decoded += text.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    text = decoded;
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(text, 'latin1').toString('utf8'));
  } catch {
    body = undefined;
  }
  return { status, headers, body };
}
