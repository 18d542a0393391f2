import type { IncomingMessage } from 'node:http';

/**
 * The raw body, refused (with `tooLarge()`) as soon as it is known to exceed `limit` bytes:
 * at once when Content-Length says so, else the moment the bytes read pass it. Nothing over
 * the limit is ever buffered. Usually the body arrived with the headers and already waits,
 * complete, in the stream's buffer: then it is taken at once, without listeners.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  tooLarge: () => Error,
): Buffer | Promise<Buffer> {
  if (req.complete && req.readableFlowing === null && req.readableLength <= limit) {
    return (req.read() as Buffer | null) ?? Buffer.alloc(0);
  }
  if (declaredLength(req) > limit) return Promise.reject(tooLarge());
  if (req.destroyed) return Promise.reject(aborted());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Stop reading: the answer closes the connection (see sendProblem).
      req.off('data', onData);
      req.pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
    // The client hung up before the end (Node emits no error when none was listening yet).
    req.once('close', () => {
      if (!req.complete) reject(aborted());
    });
  });
}

/** What Node reports for a request whose client closed the connection mid-body. */
function aborted(): Error {
  return Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

/** Content-Length as a number; 0 when absent (a chunked body is counted as it is read). */
export function declaredLength(req: IncomingMessage): number {
  const length = req.headers['content-length'];
  return length === undefined ? 0 : Number(length);
}

/** Whether the request carries a body at all. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
