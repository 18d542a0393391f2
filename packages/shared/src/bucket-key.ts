export const bucketTypes = ['TSV', 'KV', 'IV'] as const;
export type BucketType = (typeof bucketTypes)[number];

/** A normalised record key: unix ms for TSV, a string for KV, a safe integer for IV. */
export type RecordKey = number | string;

/** Why a raw key was refused; returned (not thrown) so the hot path allocates only on errors. */
export class KeyError {
  constructor(readonly detail: string) {}
}

export const MAX_KV_KEY_LENGTH = 256;
/** The range of a JavaScript Date: keys outside it cannot be shown as a time. */
const MAX_TIMESTAMP_MS = 8.64e15;

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

const NOT_UNICODE =
  'a KV key must be valid Unicode text: it holds bytes that are not UTF-8, or an unpaired surrogate escape (\\ud800 to \\udfff)';

/** String.prototype.isWellFormed (ES2024, in Node 20 and browsers; not in TypeScript's ES2023 lib). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Parses an ISO 8601 date-time that names its zone; returns unix ms or undefined. */
export function parseIsoTimestamp(text: string): number | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m as unknown as string[];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  // Not Date.UTC: it reads years 0 to 99 as 1900 to 1999. setUTCFullYear takes them as given.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  // A calendar-invalid date (31 February) rolls over into the next month: refuse it instead.
  if (date.getUTCDate() !== day) return undefined;
  const local = date.getTime();
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    const digits = zone!.slice(1).replace(':', '');
    const zoneHours = Number(digits.slice(0, 2));
    const zoneMinutes = Number(digits.slice(2));
    if (zoneHours > 23 || zoneMinutes > 59) return undefined;
    offsetMinutes = sign * (zoneHours * 60 + zoneMinutes);
  }
  return local - offsetMinutes * 60_000;
}

/**
 * Normalises a key from a request body to the bucket's key type. Returns the key, or a
 * KeyError whose detail tells the client what to send instead.
 */
export function normalizeKey(type: BucketType, raw: unknown): RecordKey | KeyError {
  switch (type) {
    case 'TSV':
      if (typeof raw === 'number') {
        if (!Number.isInteger(raw) || Math.abs(raw) > MAX_TIMESTAMP_MS) {
          return new KeyError('a TSV key must be integer unix milliseconds or an ISO 8601 string');
        }
        return raw === 0 ? 0 : raw;
      }
      if (typeof raw === 'string') {
        const ms = parseIsoTimestamp(raw);
        if (ms === undefined || Math.abs(ms) > MAX_TIMESTAMP_MS) {
          return new KeyError(
            'a TSV key string must be an ISO 8601 date-time with a zone, like "2025-10-20T10:00:00Z"',
          );
        }
        return ms === 0 ? 0 : ms;
      }
      return new KeyError('a TSV key must be integer unix milliseconds or an ISO 8601 string');
    case 'IV':
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw === 0 ? 0 : raw;
      return new KeyError('an IV key must be a safe integer');
    case 'KV':
      if (typeof raw !== 'string' || raw.length < 1 || raw.length > MAX_KV_KEY_LENGTH) {
        return new KeyError(`a KV key must be a string of 1 to ${MAX_KV_KEY_LENGTH} characters`);
      }
      // A lone surrogate (an escape like "\ud800", or invalid UTF-8 in the body) cannot be
      // stored as text: it would come back as U+FFFD, and two such keys would become one.
      if (!isWellFormed(raw)) return new KeyError(NOT_UNICODE);
      return raw;
  }
}

/**
 * Parses a key given as a query parameter (always text on the wire, or a number from tRPC):
 * TSV and IV accept integer digits, TSV also ISO 8601.
 */
export function parseKeyParam(type: BucketType, raw: string | number): RecordKey | KeyError {
  if (typeof raw === 'string' && type !== 'KV' && /^-?\d{1,16}$/.test(raw)) {
    return normalizeKey(type, Number(raw));
  }
  return normalizeKey(type, raw);
}
