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

  it('lists every problem in our words, each with its parameter', () => {
    let error: AppError | undefined;
    try {
      resolveReadQuery('IV', { order: 'up', limit: '0', from: 'x', limt: '5' } as never);
    } catch (caught) {
      error = caught as AppError;
    }
    expect(error?.code).toBe('invalid_query');
    expect(error?.errors).toEqual([
      {
        parameter: 'limt',
        detail: 'unknown parameter; a read takes from, to, order, limit, cursor',
      },
      { parameter: 'order', detail: 'use asc or desc' },
      { parameter: 'limit', detail: 'an integer from 1 to 10000' },
      { parameter: 'from', detail: 'an IV key must be a safe integer' },
    ]);
    expect(error?.message).not.toMatch(/Invalid option|expected/);
  });

  it('calls a query whose only fault is its cursor invalid_cursor', () => {
    const cursor = encodeCursor('asc', 5);
    expect(() => resolveReadQuery('IV', { order: 'desc', cursor })).toThrow(
      expect.objectContaining({ code: 'invalid_cursor' }),
    );
    expect(() => resolveReadQuery('IV', { order: 'up', cursor } as never)).toThrow(
      expect.objectContaining({ code: 'invalid_query' }),
    );
  });
});
