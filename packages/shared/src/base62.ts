/** Base62 text (0-9, A-Z, a-z): URL-safe, no padding, and selectable with a double click. */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` random base62 characters from the platform's CSPRNG, every one equally likely. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    // 248 = 4 × 62: rejecting bytes above it keeps every character equally likely.
    for (const byte of crypto.getRandomValues(new Uint8Array(length + 8))) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A non-negative integer in base62, left-padded with zeros to `width` characters. */
export function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}
