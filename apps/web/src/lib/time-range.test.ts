import { describe, expect, it } from 'vitest';
import {
  formatInstant,
  includesNow,
  parseInstant,
  parseRange,
  rangeSearch,
  resolveRange,
  slideIntervalMs,
} from './time-range.ts';

const params = (query: string) => new URLSearchParams(query);

describe('dashboard range in the URL', () => {
  it('reads relative ranges and falls back to the default for anything else', () => {
    expect(parseRange(params('range=7d'), '24h')).toEqual({ kind: 'relative', name: '7d' });
    expect(parseRange(params(''), '1h')).toEqual({ kind: 'relative', name: '1h' });
    expect(parseRange(params('range=2w'), '24h')).toEqual({ kind: 'relative', name: '24h' });
  });

  it('reads absolute ranges as unix ms or ISO times, and refuses backwards ones', () => {
    expect(parseRange(params('from=1000&to=2000'))).toEqual({
      kind: 'absolute',
      from: 1000,
      to: 2000,
    });
    expect(parseRange(params('from=2025-10-20T10:00:00Z&to=2025-10-20T14:00:00%2B02:00'))).toEqual({
      kind: 'absolute',
      from: Date.UTC(2025, 9, 20, 10),
      to: Date.UTC(2025, 9, 20, 12),
    });
    // 12:00+02:00 is 10:00Z: an empty range, so the default applies.
    expect(parseRange(params('from=2025-10-20T10:00:00Z&to=2025-10-20T12:00:00%2B02:00'))).toEqual({
      kind: 'relative',
      name: '24h',
    });
    expect(parseRange(params('from=2000&to=1000'), '1h')).toEqual({ kind: 'relative', name: '1h' });
  });

  it('accepts only times that name their zone', () => {
    expect(parseInstant('2025-10-20T10:00:00')).toBeNull();
    expect(parseInstant('2025-10-20T10:00:00+0200')).toBe(Date.UTC(2025, 9, 20, 8));
    expect(parseInstant('')).toBeNull();
    expect(parseInstant('9'.repeat(30))).toBeNull();
  });

  it('writes ranges back, leaving the default out and other parameters alone', () => {
    const current = params('range=7d&tab=x');
    expect(rangeSearch({ kind: 'relative', name: '24h' }, current, '24h').toString()).toBe('tab=x');
    expect(rangeSearch({ kind: 'relative', name: '1h' }, current, '24h').toString()).toBe(
      'tab=x&range=1h',
    );
    const absolute = rangeSearch(
      { kind: 'absolute', from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 0, 2, 0, 0, 0, 5) },
      current,
      '24h',
    );
    expect(absolute.get('from')).toBe('2025-01-01T00:00:00Z');
    expect(absolute.get('to')).toBe('2025-01-02T00:00:00.005Z');
    expect(parseRange(absolute)).toEqual({
      kind: 'absolute',
      from: Date.UTC(2025, 0, 1),
      to: Date.UTC(2025, 0, 2, 0, 0, 0, 5),
    });
    expect(formatInstant(0)).toBe('1970-01-01T00:00:00Z');
  });

  it('resolves relative ranges against now; everything is open-ended', () => {
    expect(resolveRange({ kind: 'relative', name: '1h' }, 10_000_000)).toEqual({
      from: 10_000_000 - 3_600_000,
      to: 10_000_000,
    });
    expect(resolveRange({ kind: 'relative', name: 'all' }, 5)).toEqual({ from: null, to: null });
    expect(resolveRange({ kind: 'absolute', from: 1, to: 2 }, 5)).toEqual({ from: 1, to: 2 });
  });

  it('slides relative windows often enough, and never polls fixed ones', () => {
    expect(slideIntervalMs({ kind: 'relative', name: '15m' })).toBe(5_000);
    expect(slideIntervalMs({ kind: 'relative', name: '24h' })).toBe(300_000);
    expect(slideIntervalMs({ kind: 'relative', name: '1h' })).toBe(18_000);
    expect(slideIntervalMs({ kind: 'relative', name: 'all' })).toBe(false);
    expect(slideIntervalMs({ kind: 'absolute', from: 1, to: 2 })).toBe(false);
  });
});

describe('live ranges', () => {
  it('include now when relative or ending at or after now', () => {
    expect(includesNow({ kind: 'relative', name: '1h' }, 1_000)).toBe(true);
    expect(includesNow({ kind: 'absolute', from: 0, to: 999 }, 1_000)).toBe(false);
    expect(includesNow({ kind: 'absolute', from: 0, to: 2_000 }, 1_000)).toBe(true);
  });
});
