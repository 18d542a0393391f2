import { describe, expect, it } from 'vitest';
import { formatCount, formatRelative, formatWait } from './format.ts';

describe('formatting', () => {
  const now = Date.UTC(2025, 9, 20, 12);

  it('says how long ago or how soon', () => {
    expect(formatRelative(now - 10_000, now)).toBe('just now');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5 minutes ago');
    expect(formatRelative(now + 24 * 3_600_000 - 5_000, now)).toBe('in 24 hours');
    expect(formatRelative(now + 24 * 3_600_000 + 10_000, now)).toBe('in 24 hours');
    expect(formatRelative(now - 3 * 86_400_000, now)).toBe('3 days ago');
    expect(formatRelative(now + 7 * 86_400_000, now)).toBe('in 7 days');
    expect(formatRelative(now - 3_600_000, now)).toBe('1 hour ago');
  });

  it('says how long to wait', () => {
    expect(formatWait(45)).toBe('45 seconds');
    expect(formatWait(61)).toBe('2 minutes');
    expect(formatWait(60)).toBe('1 minute');
  });

  it('groups thousands', () => {
    expect(formatCount(1000000)).toBe('1,000,000');
  });
});
