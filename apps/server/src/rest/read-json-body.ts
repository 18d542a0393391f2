import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { AppError, MAX_WRITE_BODY_BYTES } from '@bucketgrid/shared';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Whether the request declares a JSON body (application/json or any +json type). */
export function hasJsonContentType(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && JSON_TYPE.test(type);
}

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function tooLarge(): AppError {
  return new AppError(
    'payload_too_large',
    `The body is over ${MAX_WRITE_BODY_BYTES} bytes (after decompression); send fewer records per request.`,
  );
}

/**
 * The raw body. Usually it arrived with the headers and already waits, complete, in the
 * stream's buffer: then it is taken at once, without listeners and without waiting for 'end'.
 */
function readRaw(req: IncomingMessage, limit: number): Buffer | Promise<Buffer> {
  if (req.complete && req.readableFlowing === null && req.readableLength <= limit) {
    return (req.read() as Buffer | null) ?? Buffer.alloc(0);
  }
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(tooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function gunzipLimited(compressed: Buffer, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(compressed, { maxOutputLength: limit }, (error, result) => {
      if (!error) resolve(result);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(tooLarge());
      else reject(new AppError('malformed_json', 'The body is not valid gzip.'));
    });
  });
}

/**
 * Reads the text of a JSON request body: checks the media type and encoding, and enforces the
 * size limit (on the decompressed size too, so a gzip bomb costs us nothing).
 */
export async function readJsonText(
  req: IncomingMessage,
  limit = MAX_WRITE_BODY_BYTES,
): Promise<string> {
  if (!hasJsonContentType(req)) {
    throw new AppError(
      'unsupported_media_type',
      'Send the body as JSON with the header Content-Type: application/json.',
    );
  }
  const encoding = req.headers['content-encoding'];
  const gzip = encoding !== undefined && checkEncoding(encoding);
  const read = readRaw(req, limit);
  const raw = read instanceof Buffer ? read : await read;
  return (gzip ? await gunzipLimited(raw, limit) : raw).toString('utf8');
}

/** Whether the body is gzip (true) or identity (false); refuses any other encoding. */
function checkEncoding(header: string): boolean {
  const encoding = header.toLowerCase();
  if (encoding === 'gzip') return true;
  if (encoding === 'identity') return false;
  throw new AppError(
    'unsupported_media_type',
    `Content-Encoding "${encoding}" is not supported; send gzip or an uncompressed body.`,
  );
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('malformed_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads and parses a JSON request body (see readJsonText). */
export async function readJsonBody(
  req: IncomingMessage,
  limit = MAX_WRITE_BODY_BYTES,
): Promise<unknown> {
  return parseJson(await readJsonText(req, limit));
}
