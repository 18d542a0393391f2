import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEVICE_COOKIE = 'bucketgrid_device';
const MAX_AGE_SECONDS = 365 * 86_400;

/**
 * Device cookies, after OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a
 * browser that signed in to an account gets a cookie that proves it, `nonce.mac` where the
 * MAC binds the nonce to the account's email (the cookie itself names nobody). A sign-in that
 * presents a valid one for the email it tries is from a known device: it has its own failure
 * budget, so a stranger who spends the account's budget for unknown devices cannot lock the
 * owner out of the devices they already use.
 *
 * The secret lives in this process only: after a restart old cookies are simply not trusted
 * (the failure counters restart with it), and the next successful sign-in issues a new one.
 */
export class DeviceCookies {
  private readonly secret: Uint8Array;

  constructor(secret: Uint8Array = randomBytes(32)) {
    this.secret = secret;
  }

  private mac(nonce: string, account: string): Buffer {
    return createHmac('sha256', this.secret).update(`${nonce}\n${account}`).digest();
  }

  /** A Set-Cookie value that marks this browser as a known device of `account`. */
  issue(account: string, secure: boolean): string {
    const nonce = randomBytes(16).toString('base64url');
    const value = `${nonce}.${this.mac(nonce, account).toString('base64url')}`;
    // Only sign-in reads it, and sign-in is a /trpc call.
    const attributes = [`Max-Age=${MAX_AGE_SECONDS}`, 'Path=/trpc', 'HttpOnly', 'SameSite=Lax'];
    if (secure) attributes.push('Secure');
    return [`${DEVICE_COOKIE}=${value}`, ...attributes].join('; ');
  }

  /** The device's id (its nonce) when the request carries a cookie issued for `account`. */
  knownDevice(cookieHeader: string | undefined, account: string): string | null {
    const value = readCookie(cookieHeader, DEVICE_COOKIE);
    const [nonce, mac, extra] = value?.split('.') ?? [];
    if (!nonce || !mac || extra !== undefined) return null;
    const expected = this.mac(nonce, account);
    const given = Buffer.from(mac, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : null;
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
