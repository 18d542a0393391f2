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

function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
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
 * Reads a JSON request body: checks the media type and encoding, enforces the size limit
 * (on the decompressed size too, so a gzip bomb costs us nothing), and parses it.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limit = MAX_WRITE_BODY_BYTES,
): Promise<unknown> {
  if (!hasJsonContentType(req)) {
    throw new AppError(
      'unsupported_media_type',
      'Send the body as JSON with the header Content-Type: application/json.',
    );
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new AppError(
      'unsupported_media_type',
      `Content-Encoding "${encoding}" is not supported; send gzip or an uncompressed body.`,
    );
  }
  const raw = await readRaw(req, limit);
  const text = (encoding === 'gzip' ? await gunzipLimited(raw, limit) : raw).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('malformed_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
}
