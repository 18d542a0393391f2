import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A new opaque id: 22 base62 characters (about 130 random bits), URL-safe, unguessable. */
export function newId(): string {
  let id = '';
  while (id.length < 22) {
    for (const byte of randomBytes(32)) {
      // 248 = 4 × 62: rejecting bytes above it keeps every character equally likely.
      if (byte < 248 && id.length < 22) id += BASE62[byte % 62];
    }
  }
  return id;
}
