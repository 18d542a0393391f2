import { describe, expect, it } from 'vitest';
import { needsMilliseconds, tableColumns } from './table-format.ts';

const column = (sk: number, decimals: number | null) => ({
  sk,
  name: `Series ${sk}`,
  unit: '',
  color: '#000000',
  decimals,
});
const record = (key: number, values: Record<number, number | null>) => ({
  key,
  data: Object.entries(values).map(([sk, value]) => ({ series_key: Number(sk), value })),
});

describe('records tables', () => {
  it('give each column the decimals its most precise value needs, unless the series sets them', () => {
    const records = [
      record(1, { 1: 48, 2: 3 }),
      record(2, { 1: 48.1, 2: null }),
      record(3, { 1: 0.125 }),
    ];
    expect(
      tableColumns([column(1, null), column(2, null), column(3, 1)], records).map(
        (c) => c.decimals,
      ),
    ).toEqual([3, 0, 1]);
  });

  it('show milliseconds only when records are less than a second apart', () => {
    expect(needsMilliseconds([3_000, 2_000, 1_000])).toBe(false);
    expect(needsMilliseconds([3_000, 2_999])).toBe(true);
    expect(needsMilliseconds([5])).toBe(false);
  });
});
