import { describe, expect, it } from 'vitest';
import {
  type ImportMapping,
  linesOfRow,
  mappingProblem,
  newSeriesOf,
  parseTime,
  recordOfRow,
  suggestMapping,
} from '../src/csv-import.ts';

describe('CSV import rows', () => {
  it('maps columns to series by name, by "name (unit)", by number, else to new keys', () => {
    const known = [
      { sk: 1, name: 'Temperature', unit: '°C' },
      { sk: 4, name: 'humidity' },
    ] as never;
    const mapping = suggestMapping(['time', 'temperature (°C)', 'Humidity', '7', 'other'], known);
    expect(mapping.keyColumn).toBe(0);
    expect(mapping.series).toEqual([
      { column: 1, sk: 1 },
      { column: 2, sk: 4 },
      { column: 3, sk: 7 },
      { column: 4, sk: 8 },
    ]);
    expect(mappingProblem(mapping, 5)).toBeNull();
    expect(mappingProblem({ ...mapping, series: [{ column: 0, sk: 1 }] }, 5)).toMatch(/key column/);
    expect(
      mappingProblem({ ...mapping, series: [...mapping.series, { column: 4, sk: 1 }] }, 5),
    ).toMatch(/mapped twice/);
    expect(mappingProblem({ ...mapping, series: [{ column: 1, sk: 1001 }] }, 5)).toMatch(
      /1 to 1000/,
    );
    const wide = Array.from({ length: 101 }, (_, i) => ({ column: i + 1, sk: i + 1 }));
    expect(mappingProblem({ ...mapping, series: wide }, 102)).toMatch(/at most 100 series/);
  });

  it('describes the series an import creates from their column names, units apart', () => {
    const known = [{ sk: 1, name: 'Temperature', unit: '°C', color: null, decimals: null }];
    const header = ['time', 'temperature', 'Pressure (hPa)', '7', 'flow'];
    const mapping = suggestMapping(header, known);
    expect(newSeriesOf(header, mapping, known)).toEqual([
      { sk: 8, name: 'Pressure', unit: 'hPa', color: null, decimals: null },
      { sk: 9, name: 'flow', unit: '', color: null, decimals: null },
    ]);
  });

  it('reads times as ISO 8601, unix s, unix ms and patterns, refusing what is not a time', () => {
    const at = Date.UTC(2025, 9, 20, 10, 0, 5, 250);
    expect(parseTime('2025-10-20T10:00:05.250Z', { kind: 'iso' })).toBe(at);
    expect(parseTime('2025-10-20 12:00:05.250+02:00', { kind: 'iso' })).toBe(at);
    expect(parseTime('2025-10-20T10:00:05.250', { kind: 'iso' })).toBe(at);
    expect(parseTime('20/10/2025', { kind: 'iso' })).toBeNull();
    expect(parseTime(String(at / 1000), { kind: 'unix_s' })).toBe(at);
    expect(parseTime(String(at), { kind: 'unix_ms' })).toBe(at);
    expect(parseTime('12.5', { kind: 'unix_ms' })).toBeNull();
    const pattern = { kind: 'pattern', pattern: 'DD.MM.YYYY HH:mm:ss.SSS' } as const;
    expect(parseTime('20.10.2025 10:00:05.250', pattern)).toBe(at);
    expect(parseTime('30.02.2025 10:00:05.250', pattern)).toBeNull();
    expect(parseTime('20.10.25 10:00:05.250', pattern)).toBeNull();
  });

  it('turns a row into a record, or names what is wrong with it', () => {
    const mapping: ImportMapping = {
      keyColumn: 0,
      series: [
        { column: 1, sk: 1 },
        { column: 2, sk: 2 },
      ],
      timeFormat: { kind: 'unix_ms' },
    };
    expect(recordOfRow(['1000', '1.5', ''], mapping, 'TSV')).toEqual({
      record: { key: 1000, data: [{ series_key: 1, value: 1.5 }] },
    });
    expect(recordOfRow(['1000', 'abc', '2'], mapping, 'TSV')).toEqual({
      problem: 'column 2: "abc" is not a number',
    });
    expect(recordOfRow(['1000', '0x10', '2'], mapping, 'TSV')).toHaveProperty('problem');
    expect(recordOfRow(['yesterday', '1', '2'], mapping, 'TSV')).toEqual({
      problem: 'key "yesterday" is not a time as unix milliseconds',
    });
    expect(recordOfRow(['', '1', '2'], mapping, 'TSV')).toEqual({
      problem: 'the key cell is empty',
    });
    expect(recordOfRow(['5', '', ''], mapping, 'IV')).toEqual({
      problem: 'no value in any mapped column',
    });
    expect(recordOfRow(['5.5', '1', ''], mapping, 'IV')).toHaveProperty('problem');
    expect(recordOfRow(['room 1', '1', ''], mapping, 'KV')).toEqual({
      record: { key: 'room 1', data: [{ series_key: 1, value: 1 }] },
    });
  });

  it('counts the lines a row with quoted line breaks took', () => {
    expect(linesOfRow(['a', 'b'])).toBe(1);
    expect(linesOfRow(['a\nb', 'c\r\nd'])).toBe(3);
  });
});
