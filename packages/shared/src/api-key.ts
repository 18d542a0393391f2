import { createHash, getRandomValues } from 'node:crypto';
import type { ApiKeyType } from './domain.ts';

/**
 * API key format: `bg_prod_` or `bg_dev_`, 32 random base62 characters, then a 6-character
 * base62 CRC32 of everything before it. The checksum lets us (and secret scanners) reject a
 * mistyped or made-up key without a database lookup.
 */

const PREFIX: Record<ApiKeyType, string> = { production: 'bg_prod_', development: 'bg_dev_' };
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const HINT_RANDOM_CHARS = 4;
const KEY_PATTERN = /^(bg_prod_|bg_dev_)([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

export function apiKeyChecksum(body: string): string {
  return toBase62(crc32(body), CHECKSUM_LENGTH);
}

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    // 248 = 4 × 62: rejecting bytes above it keeps every character equally likely.
    for (const byte of getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function generateApiKey(type: ApiKeyType): string {
  const body = PREFIX[type] + randomBase62(RANDOM_LENGTH);
  return body + apiKeyChecksum(body);
}

export interface ParsedApiKey {
  type: ApiKeyType;
  hint: string;
}

/** Checks format and checksum, without any lookup. Returns undefined for anything invalid. */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const m = KEY_PATTERN.exec(key);
  if (!m) return undefined;
  const [, prefix, random, checksum] = m as unknown as [string, string, string, string];
  if (apiKeyChecksum(prefix + random) !== checksum) return undefined;
  return {
    type: prefix === PREFIX.production ? 'production' : 'development',
    hint: prefix + random.slice(0, HINT_RANDOM_CHARS),
  };
}

/** The only form of a key the server keeps: hex SHA-256. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The display hint kept beside the hash: prefix and the first 4 random characters. */
export function apiKeyHint(key: string): string {
  const parsed = parseApiKey(key);
  if (!parsed) throw new Error('apiKeyHint needs a valid key');
  return parsed.hint;
}
