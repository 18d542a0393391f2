import { describe, expect, it } from 'vitest';
import { AppError } from '../src/problems.ts';
import { parseRecordBatch, toLongRecord, toMinRecord } from '../src/records.ts';

function problems(body: unknown, type: 'TSV' | 'KV' | 'IV' = 'IV') {
  try {
    parseRecordBatch(body, type);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_records');
    return (error as AppError).errors ?? [];
  }
  throw new Error('expected the batch to be refused');
}

describe('parseRecordBatch', () => {
  it('normalises long and minified forms, mixed', () => {
    expect(
      parseRecordBatch(
        [
          {
            key: 1,
            data: [
              { series_key: 2, value: 1.5 },
              { series_key: 1, value: null },
            ],
          },
          { k: 2, d: [{ sk: 3, v: -0 }] },
          { key: 3, d: [{ series_key: 4, v: 7 }] },
        ],
        'IV',
      ),
    ).toEqual([
      { key: 1, values: { 1: null, 2: 1.5 } },
      { key: 2, values: { 3: 0 } },
      { key: 3, values: { 4: 7 } },
    ]);
  });

  it('turns -0 into 0 for keys and values', () => {
    const [record] = parseRecordBatch([{ k: -0, d: [{ sk: 1, v: -0 }] }], 'IV');
    expect(Object.is(record!.key, 0)).toBe(true);
    expect(Object.is(record!.values[1], 0)).toBe(true);
  });

  it('refuses a body that is not a non-empty array of at most 10,000 records', () => {
    expect(problems({ key: 1 })).toEqual([{ pointer: '', detail: 'expected an array of records' }]);
    expect(problems([])).toEqual([{ pointer: '', detail: 'expected 1 to 10000 records' }]);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ k: i, d: [{ sk: 1, v: 1 }] }));
    expect(problems(tooMany)).toEqual([{ pointer: '', detail: 'expected 1 to 10000 records' }]);
  });

  it('refuses non-finite values: NaN, Infinity and 1e400 (which JSON parses to Infinity)', () => {
    const body = JSON.parse(
      '[{"k":1,"d":[{"sk":1,"v":1e400},{"sk":2,"v":"NaN"},{"sk":3,"v":true}]}]',
    );
    expect(problems(body)).toEqual([
      { pointer: '/0/d/0/v', detail: 'a value is a finite number or null' },
      { pointer: '/0/d/1/v', detail: 'a value is a finite number or null' },
      { pointer: '/0/d/2/v', detail: 'a value is a finite number or null' },
    ]);
    expect(problems([{ k: 1, d: [{ sk: 1, v: Number.NaN }] }])).toHaveLength(1);
  });

  it('refuses fractional, huge, zero and repeated series keys', () => {
    expect(
      problems([
        {
          k: 1,
          d: [
            { sk: 1.5, v: 1 },
            { sk: 1e21, v: 1 },
            { sk: 0, v: 1 },
            { sk: 1001, v: 1 },
            { sk: '1', v: 1 },
            { sk: 7, v: 1 },
            { series_key: 7, value: 2 },
          ],
        },
      ]).map((e) => e.pointer),
    ).toEqual([
      '/0/d/0/sk',
      '/0/d/1/sk',
      '/0/d/2/sk',
      '/0/d/3/sk',
      '/0/d/4/sk',
      '/0/d/6/series_key',
    ]);
  });

  it('refuses empty and oversized series lists and missing values', () => {
    expect(problems([{ k: 1, d: [] }])).toEqual([
      { pointer: '/0/d', detail: 'expected an array of 1 to 100 series values' },
    ]);
    const many = Array.from({ length: 101 }, (_, i) => ({ sk: i + 1, v: 1 }));
    expect(problems([{ k: 1, d: many }])).toHaveLength(1);
    expect(problems([{ k: 1, d: [{ sk: 1 }] }])).toEqual([
      { pointer: '/0/d/0', detail: 'missing "value" (or "v"); use null for a gap' },
    ]);
  });

  it('refuses unknown and doubled properties, including __proto__, without polluting anything', () => {
    const body = JSON.parse(
      '[{"k":1,"d":[{"sk":1,"v":1}],"__proto__":{"polluted":true}},{"key":1,"k":2,"d":[{"sk":1,"v":1,"constructor":1}]}]',
    );
    expect(problems(body)).toEqual([
      { pointer: '/0/__proto__', detail: 'unknown property' },
      { pointer: '/1', detail: 'give the key once, as "key" or "k"' },
      { pointer: '/1/d/0/constructor', detail: 'unknown property' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('escapes property names inside JSON pointers (RFC 6901)', () => {
    expect(problems([{ k: 1, d: [{ sk: 1, v: 1 }], 'a/b~c': 1 }])).toEqual([
      { pointer: '/0/a~1b~0c', detail: 'unknown property' },
    ]);
  });

  it('lists at most 100 problems', () => {
    const bad = Array.from({ length: 500 }, () => ({ k: 'x', d: [{ sk: 1, v: 1 }] }));
    expect(problems(bad)).toHaveLength(100);
  });

  it('validates keys by bucket type', () => {
    expect(
      parseRecordBatch([{ k: '2025-10-20T10:00:00Z', d: [{ sk: 1, v: 1 }] }], 'TSV')[0]!.key,
    ).toBe(1_760_954_400_000);
    expect(problems([{ k: '2025-10-20T10:00:00', d: [{ sk: 1, v: 1 }] }], 'TSV')[0]!.pointer).toBe(
      '/0/k',
    );
    expect(problems([{ k: 'x'.repeat(257), d: [{ sk: 1, v: 1 }] }], 'KV')[0]!.pointer).toBe('/0/k');
    expect(parseRecordBatch([{ k: 'x'.repeat(256), d: [{ sk: 1, v: 1 }] }], 'KV')).toHaveLength(1);
    expect(problems([{ k: 2 ** 53, d: [{ sk: 1, v: 1 }] }], 'IV')[0]!.pointer).toBe('/0/k');
    expect(problems([{ k: 1.5, d: [{ sk: 1, v: 1 }] }], 'IV')[0]!.pointer).toBe('/0/k');
    expect(problems([{ d: [{ sk: 1, v: 1 }] }], 'IV')).toEqual([
      { pointer: '/0', detail: 'missing "key" (or "k")' },
    ]);
  });
});

describe('output forms', () => {
  it('writes long and minified records with series in ascending order', () => {
    const record = { key: 5, values: { 10: 1, 2: null } };
    expect(toLongRecord(record)).toEqual({
      key: 5,
      data: [
        { series_key: 2, value: null },
        { series_key: 10, value: 1 },
      ],
    });
    expect(toMinRecord(record)).toEqual({
      k: 5,
      d: [
        { sk: 2, v: null },
        { sk: 10, v: 1 },
      ],
    });
  });
});
