import { describe, expect, it } from 'vitest';
import { AppError } from '../src/problems.ts';
import { encodeCursor, resolveReadQuery } from '../src/read-query.ts';

const TSV = { id: 'tsvBucket', type: 'TSV' } as const;
const KV = { id: 'kvBucket', type: 'KV' } as const;
const IV = { id: 'ivBucket', type: 'IV' } as const;

describe('resolveReadQuery', () => {
  it('applies defaults and converts bounds to the key type', () => {
    expect(resolveReadQuery(TSV, {})).toEqual({ order: 'asc', limit: 1000 });
    expect(
      resolveReadQuery(TSV, {
        from: '2025-10-20T10:00:00Z',
        to: '1760954500000',
        order: 'desc',
        limit: '5',
      }),
    ).toEqual({ from: 1_760_954_400_000, to: 1_760_954_500_000, order: 'desc', limit: 5 });
  });

  it('round-trips a cursor and binds it to its order', () => {
    const cursor = encodeCursor(KV.id, 'desc', 'berlin');
    expect(resolveReadQuery(KV, { order: 'desc', cursor }).after).toBe('berlin');
    expect(() => resolveReadQuery(KV, { cursor })).toThrow(AppError);
  });

  it('names the parameter at fault', () => {
    for (const [input, fragment] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '10001' }, 'limit'],
      [{ order: 'sideways' }, 'order'],
      [{ from: 'x' }, 'from'],
      [{ limt: '5' }, 'limt'],
    ] as const) {
      expect(() => resolveReadQuery(IV, input as Record<string, string>)).toThrow(fragment);
    }
  });

  it('lists every problem in our words, each with its parameter', () => {
    let error: AppError | undefined;
    try {
      resolveReadQuery(IV, { order: 'up', limit: '0', from: 'x', limt: '5' } as never);
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
    const cursor = encodeCursor(IV.id, 'asc', 5);
    expect(() => resolveReadQuery(IV, { order: 'desc', cursor })).toThrow(
      expect.objectContaining({ code: 'invalid_cursor' }),
    );
    expect(() => resolveReadQuery(IV, { order: 'up', cursor } as never)).toThrow(
      expect.objectContaining({ code: 'invalid_query' }),
    );
  });

  it('binds a cursor to its bucket: another bucket of any type refuses it', () => {
    const cursor = encodeCursor(TSV.id, 'asc', 1_760_954_400_000);
    expect(resolveReadQuery(TSV, { cursor }).after).toBe(1_760_954_400_000);
    for (const other of [{ id: 'otherTsv', type: 'TSV' } as const, IV, KV]) {
      expect(() => resolveReadQuery(other, { cursor })).toThrow(
        expect.objectContaining({
          code: 'invalid_cursor',
          message: expect.stringContaining('another bucket'),
        }),
      );
    }
  });

  it('refuses an inverted range, saying so, and takes a range of one key', () => {
    expect(() => resolveReadQuery(IV, { from: '5', to: '1' })).toThrow(
      expect.objectContaining({
        code: 'invalid_query',
        message: expect.stringContaining('from (5) is after to (1)'),
      }),
    );
    expect(() => resolveReadQuery(KV, { from: 'b', to: 'a' })).toThrow(AppError);
    expect(() => resolveReadQuery(KV, { from: '\u{1F600}', to: '\uFFFD' })).toThrow(AppError);
    expect(resolveReadQuery(IV, { from: '5', to: '5' })).toMatchObject({ from: 5, to: 5 });
    expect(() =>
      resolveReadQuery(TSV, { from: '2025-10-21T00:00:00Z', to: '2025-10-20T00:00:00Z' }),
    ).toThrow(AppError);
  });
});
