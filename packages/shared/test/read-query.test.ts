import { describe, expect, it } from 'vitest';
import { AppError } from '../src/problems.ts';
import { encodeCursor, resolveReadQuery } from '../src/read-query.ts';

describe('resolveReadQuery', () => {
  it('applies defaults and converts bounds to the key type', () => {
    expect(resolveReadQuery('TSV', {})).toEqual({ order: 'asc', limit: 1000 });
    expect(
      resolveReadQuery('TSV', {
        from: '2025-10-20T10:00:00Z',
        to: '1760954500000',
        order: 'desc',
        limit: '5',
      }),
    ).toEqual({ from: 1_760_954_400_000, to: 1_760_954_500_000, order: 'desc', limit: 5 });
  });

  it('round-trips a cursor and binds it to its order', () => {
    const cursor = encodeCursor('desc', 'berlin');
    expect(resolveReadQuery('KV', { order: 'desc', cursor }).after).toBe('berlin');
    expect(() => resolveReadQuery('KV', { cursor })).toThrow(AppError);
  });

  it('names the parameter at fault', () => {
    for (const [input, fragment] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '10001' }, 'limit'],
      [{ order: 'sideways' }, 'order'],
      [{ from: 'x' }, 'from'],
      [{ limt: '5' }, 'limt'],
    ] as const) {
      expect(() => resolveReadQuery('IV', input as Record<string, string>)).toThrow(fragment);
    }
  });
});
