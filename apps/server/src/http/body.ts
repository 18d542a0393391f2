import type { IncomingMessage } from 'node:http';

/**
 * The raw body, refused (with `tooLarge()`) once it is known to exceed `limit` bytes. Nothing
 * over the limit is ever buffered. A refused body of at most `drainBound` bytes in all is read
 * to its end (and discarded) before the refusal, because most clients (Node's fetch among
 * them) send the whole body before they read the answer, and would see EPIPE instead of it; a
 * longer one is refused at once, when Content-Length says so, or when the bytes read pass the
 * bound, and its connection closes after the answer (see sendProblem). Usually the body
 * arrived with the headers and already waits, complete, in the stream's buffer: then it is
 * taken at once, without listeners.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  tooLarge: () => Error,
  drainBound = limit,
): Buffer | Promise<Buffer> {
  if (req.complete && req.readableFlowing === null && req.readableLength <= limit) {
    return (req.read() as Buffer | null) ?? Buffer.alloc(0);
  }
  const declared = declaredLength(req);
  if (declared > limit) {
    if (declared > drainBound || req.headers.expect !== undefined) {
      return Promise.reject(tooLarge());
    }
    return discardBody(req, drainBound).then(() => Promise.reject(tooLarge()));
  }
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
      chunks.length = 0;
      if (size <= drainBound) return;
      // Stop reading: the answer closes the connection (see sendProblem).
      req.off('data', onData);
      req.pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => {
      if (size > limit) reject(tooLarge());
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', reject);
    // The client hung up before the end (Node emits no error when none was listening yet).
    req.once('close', () => {
      if (!req.complete) reject(aborted());
    });
  });
}

/**
 * Reads the rest of a refused body and throws it away, until its end or until `bound` bytes
 * in all have been read (then the rest is left unread: the answer closes the connection).
 * Resolves either way, and when the client hangs up.
 */
export function discardBody(req: IncomingMessage, bound: number): Promise<void> {
  return new Promise((resolve) => {
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= bound) return;
      req.pause();
      stop();
    };
    req.on('data', onData);
    req.once('end', stop);
    req.once('close', stop);
    req.once('error', stop);
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
