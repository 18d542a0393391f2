import { describe, expect, it } from 'vitest';
import {
  apiKeyChecksum,
  apiKeyHint,
  generateApiKey,
  hashApiKey,
  parseApiKey,
} from '../src/api-key.ts';

describe('API key format', () => {
  it('generates prefixed keys with 32 random base62 characters and a checksum', () => {
    const prod = generateApiKey('production');
    const dev = generateApiKey('development');
    expect(prod).toMatch(/^bg_prod_[0-9A-Za-z]{32}[0-9A-Za-z]{6}$/);
    expect(dev).toMatch(/^bg_dev_[0-9A-Za-z]{32}[0-9A-Za-z]{6}$/);
    expect(parseApiKey(prod)).toEqual({ type: 'production', hint: prod.slice(0, 12) });
    expect(parseApiKey(dev)).toEqual({ type: 'development', hint: dev.slice(0, 11) });
    expect(new Set(Array.from({ length: 1000 }, () => generateApiKey('production'))).size).toBe(
      1000,
    );
  });

  it('checksums with the standard CRC-32, in 6 base62 characters', () => {
    // The check value of CRC-32: "123456789" → 0xcbf43926, which is 3jZRME in base62.
    expect(apiKeyChecksum('123456789')).toBe('3jZRME');
    expect(apiKeyChecksum('')).toBe('000000');
  });

  it('rejects a key whose checksum does not match, before any lookup', () => {
    const key = generateApiKey('production');
    const flipped = key.slice(0, 20) + (key[20] === 'a' ? 'b' : 'a') + key.slice(21);
    expect(parseApiKey(flipped)).toBeUndefined();
    expect(parseApiKey(`${key}x`)).toBeUndefined();
    expect(parseApiKey(key.slice(1))).toBeUndefined();
    expect(parseApiKey(key.replace('bg_prod_', 'bg_test_'))).toBeUndefined();
    expect(parseApiKey('')).toBeUndefined();
  });

  it('hashes with SHA-256 and shows only prefix and 4 random characters', () => {
    const key = generateApiKey('development');
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toBe(hashApiKey(generateApiKey('development')));
    expect(apiKeyHint(key)).toBe(key.slice(0, 11));
    expect(() => apiKeyHint('nope')).toThrow();
  });
});
