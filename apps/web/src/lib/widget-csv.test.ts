import type { Downsampled } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import { csvFileName, toCsv } from './csv.ts';
import { recordsToCsv } from './records-csv.ts';
import { createTimeFormat } from './time-format.ts';
import { downsampledCsv, latestCsv, tableCsv } from './widget-csv.ts';

const utc = createTimeFormat('utc');
const T0 = Date.UTC(2025, 9, 20, 10, 0, 0);
const series = [
  { sk: 1, name: 'Temperature', unit: '°C', color: null, decimals: null },
  { sk: 2, name: '=cmd()', unit: '', color: null, decimals: null },
];

describe('widget CSV', () => {
  it('writes each interval at its start, the figure the chart draws, series named with units', () => {
    const data: Downsampled = {
      interval: 60_000,
      keys: [T0, T0 + 60_000],
      count: [3, 1],
      series: {
        1: { min: [1, 4], max: [3, 4], avg: [2, 4], last: [3, 4] },
        2: { min: [-1, null], max: [-1, null], avg: [-1.5, null], last: [-1, null] },
      },
      truncated: false,
    };
    const csv = downsampledCsv(data, [1, 2], 'avg', false, { type: 'TSV', series }, utc);
    expect(csv).toBe(
      [
        'time (UTC),Temperature (°C),"\'=cmd()"',
        '2025-10-20 10:00:00,2,-1.5',
        '2025-10-20 10:01:00,4,',
        '',
      ].join('\r\n'),
    );
    const band = downsampledCsv(data, [1], 'max', true, { type: 'TSV', series }, utc);
    expect(band.split('\r\n')[0]).toBe(
      'time (UTC),Temperature (°C),Temperature min (°C),Temperature max (°C)',
    );
    expect(band.split('\r\n')[1]).toBe('2025-10-20 10:00:00,3,1,3');
  });

  it('writes a bar chart as a row per series at its latest value, a table as its records', () => {
    const data: Downsampled = {
      interval: 60_000,
      keys: [T0, T0 + 60_000],
      count: [1, 1],
      series: {
        1: { min: [1, null], max: [1, null], avg: [1, null], last: [1, null] },
        3: { min: [5, 6], max: [5, 6], avg: [5, 6], last: [5, 6] },
      },
      truncated: false,
    };
    expect(latestCsv(data, [1, 3, 4], { type: 'TSV', series }, utc).split('\r\n')).toEqual([
      'series,latest value,time (UTC)',
      'Temperature (°C),1,2025-10-20 10:00:00',
      'Series 3,6,2025-10-20 10:01:00',
      'Series 4,,',
      '',
    ]);
    const records = [
      { key: 9, data: [{ series_key: 2, value: 1 }] },
      { key: 7, data: [{ series_key: 1, value: 2 }] },
    ];
    expect(tableCsv(records, [], { type: 'IV', series }, utc).split('\r\n')).toEqual([
      'key,Temperature (°C),"\'=cmd()"',
      '9,,1',
      '7,2,',
      '',
    ]);
  });

  it('writes raw records with every series the range holds, keys in the zone or ISO 8601', () => {
    const records = [
      { key: T0 + 250, data: [{ series_key: 1, value: 20 }] },
      { key: T0 + 1_000, data: [{ series_key: 3, value: 7 }] },
    ];
    const zoned = recordsToCsv(records, { type: 'TSV', series }, { format: utc, iso: false });
    expect(zoned.split('\r\n')).toEqual([
      'time (UTC),Temperature (°C),"\'=cmd()",Series 3',
      '2025-10-20 10:00:00.250,20,,',
      '2025-10-20 10:00:01.000,,,7',
      '',
    ]);
    const iso = recordsToCsv(records, { type: 'TSV', series: [] }, { format: utc, iso: true });
    expect(iso.split('\r\n')[1]).toBe('2025-10-20T10:00:00.250Z,20,');
  });

  it('quotes what RFC 4180 needs and names files safely', () => {
    expect(toCsv([['a,b', 'say "hi"', 'line\nbreak', 1.5]])).toBe(
      '"a,b","say ""hi""","line\nbreak",1.5\r\n',
    );
    expect(csvFileName('Boiler / Hall 3: °C')).toBe('Boiler-Hall-3-C.csv');
    expect(csvFileName('///')).toBe('export.csv');
  });
});
