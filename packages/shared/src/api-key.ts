import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { randomBase62, toBase62 } from './base62.ts';
import type { ApiKeyType } from './domain.ts';

/**
 * API key format: `bg_prod_` or `bg_dev_`, 32 random base62 characters, then a 6-character
 * base62 CRC32 of everything before it. The checksum lets us (and secret scanners) reject a
 * mistyped or made-up key without a database lookup.
 */

const PREFIX: Record<ApiKeyType, string> = { production: 'bg_prod_', development: 'bg_dev_' };
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const HINT_RANDOM_CHARS = 4;
const KEY_PATTERN = /^(bg_prod_|bg_dev_)([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;

/** The base62 CRC-32 (IEEE 802.3, as zlib computes it) of everything before it. */
export function apiKeyChecksum(body: string): string {
  return toBase62(crc32(body), CHECKSUM_LENGTH);
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
