import { parseRecordBatchText, type SeriesValues } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, varintLength } from '../src/chunks/bytes.ts';
import {
  type ChunkColumns,
  type Compression,
  columnsFromRecords,
  concatColumns,
  decodeChunk,
  decodeKeys,
  type EncodedChunk,
  encodeChunk,
  recordsFromColumns,
  sliceColumns,
} from '../src/chunks/codec.ts';
import { seededRandom } from './seeded-random.ts';

/** Compares with Object.is at every value, so -0 against 0 or a lost null fails. */
function expectSame(actual: ChunkColumns, expected: ChunkColumns): void {
  expect(actual.keys).toEqual(expected.keys);
  expect(actual.series).toEqual(expected.series);
  expected.values.forEach((column, s) => {
    column.forEach((value, i) => {
      if (!Object.is(actual.values[s]![i], value)) {
        throw new Error(
          `series ${expected.series[s]} record ${i}: ${actual.values[s]![i]} ≠ ${value}`,
        );
      }
    });
  });
}

function roundTrip(columns: ChunkColumns, compression: Compression = 'deflate'): EncodedChunk {
  const chunk = encodeChunk(columns, compression);
  expectSame(decodeChunk(chunk), columns);
  expect(decodeKeys(chunk.keys)).toEqual(columns.keys);
  return chunk;
}

const SECOND = 1_000;
const START = Date.UTC(2024, 0, 1);

describe('chunk codec', () => {
  it('sizes varints as it writes them, up to 2^53', () => {
    for (let bits = 0; bits <= 53; bits++) {
      for (const n of [2 ** bits - 1, 2 ** bits, 2 ** bits + 1]) {
        if (n < 0 || n > Number.MAX_SAFE_INTEGER) continue;
        const out = new ByteWriter();
        out.varint(n);
        expect(varintLength(n)).toBe(out.length);
        expect(new ByteReader(out.finish()).varint()).toBe(n);
      }
    }
  });

  it('keeps the four kinds of series of the storage probe exactly, in a tenth of their JSON', () => {
    const next = seededRandom(1);
    let walk = 20;
    const records = Array.from({ length: 1_000 }, (_, i) => {
      walk = Math.round((walk + next() - 0.5) * 100) / 100;
      return {
        key: START + i * SECOND,
        values: {
          1: walk,
          2: Math.sin(i / 100) * 50,
          3: 1_000_000 + i * 7,
          4: i < 600 ? 1 : 2,
        },
      };
    });
    for (const compression of ['none', 'deflate', 'brotli'] as const) {
      const chunk = roundTrip(columnsFromRecords(records), compression);
      const json = records.reduce((sum, r) => sum + JSON.stringify(r.values).length + 8, 0);
      expect(chunk.keys.length + chunk.data.length).toBeLessThan(json / 3);
    }
    expect(recordsFromColumns(decodeChunk(encodeChunk(columnsFromRecords(records))))).toEqual(
      records,
    );
  });

  it('keeps nulls, series missing from some records, -0, extremes and irregular keys', () => {
    const next = seededRandom(2);
    const records = Array.from({ length: 700 }, (_, i) => {
      const values: Record<number, number | null> = {};
      if (next() < 0.7) values[1] = next() < 0.2 ? null : Math.round(next() * 1e6) / 1e3;
      if (next() < 0.5) values[1000] = [-0, 0, Number.MAX_VALUE, -Number.MIN_VALUE, 5e-324][i % 5]!;
      if (i % 3 === 0) values[7] = null;
      if (next() < 0.3) values[42] = (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
      return { key: -5_000_000 + i * 997 + Math.floor(next() * 900), values };
    });
    expect(recordsFromColumns(decodeChunk(roundTrip(columnsFromRecords(records))))).toEqual(
      records,
    );
  });

  it("takes records straight from the parser's batch as it takes their values", () => {
    const next = seededRandom(3);
    const body = Array.from({ length: 300 }, (_, i) => ({
      k: i * 10,
      d: [1, 2, 40, 999]
        .filter((sk) => sk === 1 || next() < 0.6)
        .map((sk) => ({ sk, v: next() < 0.1 ? null : Math.round(next() * 1e5) / 100 })),
    }));
    const parsed = parseRecordBatchText(JSON.stringify(body), 'IV')! as {
      key: number;
      values: SeriesValues;
    }[];
    const plain = parsed.map(({ key, values }) => ({ key, values }));
    // Parsed and plain records mixed, as a write's tail from the cache meets a new request.
    const mixed = parsed.map((record, i) => (i % 3 === 0 ? plain[i]! : record));
    expect(columnsFromRecords(parsed)).toEqual(columnsFromRecords(plain));
    expect(columnsFromRecords(mixed.slice(5, 200))).toEqual(
      columnsFromRecords(plain.slice(5, 200)),
    );
  });

  it('cuts and joins columns as it would build them from the records, holes kept', () => {
    // A write joins the raw tail's columns to its own and cuts chunks from the result: each
    // piece must be what columnsFromRecords makes of those records (a series absent from a
    // piece left out, holes where a record lacks a series, nulls kept).
    const next = seededRandom(7);
    const records = Array.from({ length: 400 }, (_, i) => {
      const values: SeriesValues = {};
      for (const sk of [1, 2, 40, 999]) {
        if (next() < (sk === 999 ? 0.02 : 0.7)) values[sk] = next() < 0.1 ? null : next() * 100;
      }
      return { key: i * 10, values };
    });
    const whole = columnsFromRecords(records);
    for (let trial = 0; trial < 50; trial++) {
      const cuts = [Math.floor(next() * 401), Math.floor(next() * 401)].sort((x, y) => x - y);
      const [a, b] = cuts as [number, number];
      const pieces = [sliceColumns(whole, 0, a), sliceColumns(whole, a, b), sliceColumns(whole, b)];
      expect(pieces[1]).toStrictEqual(columnsFromRecords(records.slice(a, b)));
      expect(concatColumns(pieces)).toStrictEqual(whole);
      expect(recordsFromColumns(concatColumns(pieces.slice(1)))).toEqual(records.slice(a));
    }
  });

  it('keeps keys at both ends of the safe integers (spans past 2^52 stored raw)', () => {
    const keys = [
      -Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER + 1,
      -1,
      0,
      2 ** 52,
      Number.MAX_SAFE_INTEGER - 1,
      Number.MAX_SAFE_INTEGER,
    ];
    roundTrip({ keys, series: [1], values: [keys.map((_, i) => i)] });
    const near = [Number.MAX_SAFE_INTEGER - 2 ** 52, 0, Number.MAX_SAFE_INTEGER].sort(
      (a, b) => a - b,
    );
    roundTrip({ keys: near, series: [1], values: [[1.5, null, 2.25]] });
  });

  it('keeps one record, a constant, large mantissas and long decimals', () => {
    roundTrip({ keys: [42], series: [3], values: [[0.1]] });
    roundTrip({ keys: [1, 2, 3], series: [1], values: [[7, 7, 7]] });
    roundTrip({ keys: [1, 2, 3, 4], series: [1], values: [[2 ** 53 - 1, -(2 ** 53), 1, 2 ** 50]] });
    roundTrip({ keys: [1, 2, 3], series: [1], values: [[0.1 + 0.2, 1 / 3, 123.456789012345]] });
  });

  it('refuses a chunk it did not write', () => {
    const chunk = encodeChunk({ keys: [1, 2], series: [1], values: [[1, 2]] }, 'none');
    const retagged = Buffer.from([9, ...chunk.data.subarray(1)]);
    expect(() => decodeChunk({ keys: chunk.keys, data: retagged })).toThrow(/compression/);
    const cut = chunk.data.subarray(0, chunk.data.length - 1);
    expect(() => decodeChunk({ keys: chunk.keys, data: cut })).toThrow(/ends too early/);
    const other = encodeChunk({ keys: [1, 2, 3], series: [], values: [] }, 'none');
    expect(() => decodeChunk({ keys: other.keys, data: chunk.data })).toThrow(/disagree/);
  });
});
