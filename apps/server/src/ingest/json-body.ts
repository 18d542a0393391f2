import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { AppError } from '@bucketgrid/shared';
import { readBody } from '../http/body.ts';
import { MAX_API_BODY_BYTES, MAX_DRAINED_BODY_BYTES } from '../limits.ts';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

function tooLarge(): AppError {
  return new AppError(
    'payload_too_large',
    `The body is over ${MAX_API_BODY_BYTES} bytes (5 MiB, after decompression); send fewer records per request.`,
  );
}

function gunzipLimited(compressed: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(compressed, { maxOutputLength: MAX_API_BODY_BYTES }, (error, result) => {
      if (!error) resolve(result);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(tooLarge());
      else reject(new AppError('malformed_json', 'The body is not valid gzip.'));
    });
  });
}

/**
 * The text of a JSON request body: checks the media type and encoding, enforces the size
 * limit (on the decompressed size too, so a gzip bomb costs us nothing), and the encoding:
 * bytes that are not UTF-8 are refused, never replaced (see markInvalidUtf8).
 */
export async function readJsonText(req: IncomingMessage): Promise<string> {
  const type = req.headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) {
    throw new AppError(
      'unsupported_media_type',
      'Send the body as JSON with the header Content-Type: application/json.',
    );
  }
  const encoding = req.headers['content-encoding'];
  const gzip = encoding !== undefined && isGzip(encoding);
  const read = readBody(req, MAX_API_BODY_BYTES, tooLarge, MAX_DRAINED_BODY_BYTES);
  const raw = read instanceof Buffer ? read : await read;
  const bytes = gzip ? await gunzipLimited(raw) : raw;
  return isUtf8(bytes) ? bytes.toString('utf8') : markInvalidUtf8(bytes);
}

/** Whether the body is gzip (true) or identity (false); refuses any other encoding. */
function isGzip(header: string): boolean {
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

/**
 * A body that is not UTF-8, as text the validators refuse at the right place: each invalid
 * byte becomes the escape `\udfff`, a lone surrogate. Inside a string (a KV key, a property
 * name) the validator then reports that string with its JSON pointer; anywhere else the JSON
 * is malformed, as it was. Decoding with replacement instead would let `"a\xff"` and
 * `"a\xfe"` become the same key.
 */
function markInvalidUtf8(bytes: Buffer): string {
  let text = '';
  let start = 0;
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    // After an odd run of backslashes the marker would turn an invalid escape into a valid one.
    let slashes = 0;
    while (i - slashes > 0 && bytes[i - slashes - 1] === 0x5c) slashes++;
    if (slashes % 2 === 1) {
      throw new AppError('malformed_json', `The body is not valid JSON: byte ${i} is not UTF-8.`);
    }
    text += `${bytes.toString('utf8', start, i)}\\udfff`;
    i++;
    start = i;
  }
  return text + bytes.toString('utf8', start);
}

/** The length of the well-formed UTF-8 sequence at i (RFC 3629), or 0. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (j: number, low = 0x80, high = 0xbf) =>
    j < bytes.length && bytes[j]! >= low && bytes[j]! <= high;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // No overlong forms (E0 80..9F) and no surrogates (ED A0..BF).
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}
