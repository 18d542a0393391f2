import { describe, expect, it } from 'vitest';
import { createTimeFormat, formatOffset, HOUR, MINUTE, SECOND } from './time-format.ts';

const utc = createTimeFormat('utc');
const T = Date.UTC(2025, 9, 20, 13, 5, 9, 250);

describe('time format', () => {
  it('writes 24-hour times, year first', () => {
    expect(utc.dateTime(T)).toBe('2025-10-20 13:05:09');
    expect(utc.dateTimeMs(T)).toBe('2025-10-20 13:05:09.250');
    expect(utc.zoneLabel).toBe('UTC');
  });

  it('uses the browser zone for local time and names it with its offset', () => {
    const local = createTimeFormat('local', 'Europe/Berlin');
    const d = new Date(T);
    const hh = String(d.getHours()).padStart(2, '0');
    expect(local.dateTime(T)).toContain(` ${hh}:05:09`);
    expect(local.zoneLabel).toMatch(/^Europe\/Berlin \(UTC[+-]\d{2}:\d{2}\)$/);
    expect(local.zoneShort).toMatch(/^UTC[+-]\d{2}:\d{2}$/);
  });

  it('writes offsets with sign, hours and minutes', () => {
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(330)).toBe('+05:30');
    expect(formatOffset(-300)).toBe('-05:00');
  });

  it('labels axis ticks by their spacing, with the date where a day starts', () => {
    const base = Date.UTC(2025, 9, 20, 22, 0);
    const hourly = [0, 1, 2, 3].map((i) => base + i * HOUR);
    expect(utc.ticks(hourly, HOUR)).toEqual([
      '22:00\n2025-10-20',
      '23:00',
      '00:00\n2025-10-21',
      '01:00',
    ]);
    expect(utc.ticks([base, base + 10 * SECOND], 10 * SECOND)).toEqual([
      '22:00:00\n2025-10-20',
      '22:00:10',
    ]);
    expect(utc.ticks([base, base + 250], 250)).toEqual([
      '22:00:00.000\n2025-10-20',
      '22:00:00.250',
    ]);
    expect(utc.ticks([Date.UTC(2025, 11, 31), Date.UTC(2026, 0, 1)], 24 * HOUR)).toEqual([
      '12-31\n2025',
      '01-01\n2026',
    ]);
    expect(utc.ticks([Date.UTC(2025, 0, 1), Date.UTC(2025, 1, 1)], 31 * 24 * HOUR)).toEqual([
      '2025-01',
      '2025-02',
    ]);
    expect(utc.ticks([base, base + 5 * MINUTE], 5 * MINUTE)[1]).toBe('22:05');
  });

  it('reads and writes datetime-local values in its zone', () => {
    expect(utc.toInput(T)).toBe('2025-10-20T13:05:09');
    expect(utc.fromInput('2025-10-20T13:05')).toBe(Date.UTC(2025, 9, 20, 13, 5));
    expect(utc.fromInput('2025-10-20T13:05:30')).toBe(Date.UTC(2025, 9, 20, 13, 5, 30));
    expect(utc.fromInput('yesterday')).toBeNull();
    const local = createTimeFormat('local');
    expect(local.fromInput(local.toInput(T))).toBe(T - 250);
  });
});
