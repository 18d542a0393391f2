import { describe, expect, it } from 'vitest';
import { KeyError, normalizeKey, parseIsoTimestamp, parseKeyParam } from '../src/bucket-key.ts';

describe('parseIsoTimestamp', () => {
  it('accepts date-times with a zone, with or without seconds and fractions', () => {
    expect(parseIsoTimestamp('2025-10-20T10:00:00Z')).toBe(1_760_954_400_000);
    expect(parseIsoTimestamp('2025-10-20T10:00Z')).toBe(1_760_954_400_000);
    expect(parseIsoTimestamp('2025-10-20T12:00:00+02:00')).toBe(1_760_954_400_000);
    expect(parseIsoTimestamp('2025-10-20T05:30:00-0430')).toBe(1_760_954_400_000);
    expect(parseIsoTimestamp('2025-10-20T10:00:00.123456789Z')).toBe(1_760_954_400_123);
  });

  it('takes years 0000 to 0099 as written, not as 1900 to 1999', () => {
    expect(parseIsoTimestamp('0099-12-31T00:00:00Z')).toBe(-59_011_545_600_000);
    expect(new Date(parseIsoTimestamp('0099-12-31T00:00:00Z')!).toISOString()).toBe(
      '0099-12-31T00:00:00.000Z',
    );
    expect(new Date(parseIsoTimestamp('0000-01-01T00:00:00+01:00')!).toISOString()).toBe(
      '-000001-12-31T23:00:00.000Z',
    );
    expect(parseIsoTimestamp('0004-02-29T00:00:00Z')).toBe(Date.parse('0004-02-29T00:00:00Z'));
    expect(parseIsoTimestamp('0001-02-29T00:00:00Z')).toBeUndefined();
  });

  it('refuses strings without a zone, impossible dates and other formats', () => {
    for (const text of [
      '2025-10-20T10:00:00',
      '2025-10-20',
      '2025-02-30T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-10-20T24:00:00Z',
      '2025-10-20T10:60:00Z',
      '2025-10-20T10:00:00+25:00',
      '20251020T100000Z',
      'yesterday',
      ' 2025-10-20T10:00:00Z',
    ]) {
      expect(parseIsoTimestamp(text), text).toBeUndefined();
    }
  });
});

describe('normalizeKey', () => {
  it('normalises TSV keys to unix ms', () => {
    expect(normalizeKey('TSV', 1_760_954_400_000)).toBe(1_760_954_400_000);
    expect(normalizeKey('TSV', '2025-10-20T10:00:00Z')).toBe(1_760_954_400_000);
    expect(normalizeKey('TSV', 1.5)).toBeInstanceOf(KeyError);
    expect(normalizeKey('TSV', 9e15)).toBeInstanceOf(KeyError);
    expect(normalizeKey('TSV', null)).toBeInstanceOf(KeyError);
  });

  it('keeps KV keys of 1 to 256 characters as they are', () => {
    expect(normalizeKey('KV', '2025')).toBe('2025');
    expect(normalizeKey('KV', '')).toBeInstanceOf(KeyError);
    expect(normalizeKey('KV', 'x'.repeat(257))).toBeInstanceOf(KeyError);
    expect(normalizeKey('KV', 2025)).toBeInstanceOf(KeyError);
  });

  it('refuses KV keys that text cannot hold exactly (lone surrogates), keeps pairs', () => {
    for (const key of ['\ud800', 'a\udfff', '\udc00\ud800', `${'x'.repeat(255)}\ud83d`]) {
      const refused = normalizeKey('KV', key);
      expect(refused, JSON.stringify(key)).toBeInstanceOf(KeyError);
      expect((refused as KeyError).detail).toMatch(/valid Unicode/);
    }
    expect(normalizeKey('KV', '\ud83d\ude00')).toBe('😀');
    expect(normalizeKey('KV', '\ufffd')).toBe('\ufffd');
  });

  it('accepts only safe integers as IV keys', () => {
    expect(normalizeKey('IV', -42)).toBe(-42);
    expect(Object.is(normalizeKey('IV', -0), 0)).toBe(true);
    expect(normalizeKey('IV', 2 ** 53)).toBeInstanceOf(KeyError);
    expect(normalizeKey('IV', '42')).toBeInstanceOf(KeyError);
  });
});

describe('parseKeyParam', () => {
  it('reads digits in query strings as numbers for TSV and IV, as text for KV', () => {
    expect(parseKeyParam('IV', '-7')).toBe(-7);
    expect(parseKeyParam('TSV', '1760954400000')).toBe(1_760_954_400_000);
    expect(parseKeyParam('TSV', '2025-10-20T10:00:00Z')).toBe(1_760_954_400_000);
    expect(parseKeyParam('KV', '2025')).toBe('2025');
    expect(parseKeyParam('IV', '1e3')).toBeInstanceOf(KeyError);
  });
});
