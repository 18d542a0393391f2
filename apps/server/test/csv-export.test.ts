import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stopAll());

/** RFC 4180 as a reader takes it: CRLF rows, quoted fields with doubled quotes inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

async function bucketWith(type: 'TSV' | 'KV' | 'IV') {
  const setup = await provision(server.store, type);
  const url = `${server.url}/api/buckets/${setup.bucket.id}`;
  const write = async (body: unknown) => {
    const r = await call(url, { method: 'POST', key: setup.key, body });
    expect(r.status).toBe(200);
  };
  const get = (query: string, headers: Record<string, string> = {}) =>
    call(`${url}${query}`, { key: setup.key, headers });
  return { ...setup, url, write, get };
}

describe('CSV export of the REST read', () => {
  it('streams the whole range, every page, with series names and units as headers', async () => {
    const b = await bucketWith('TSV');
    await server.store.setBucketSeries(b.bucket.id, [
      { sk: 1, name: 'Temperature', unit: '°C', color: null, decimals: null },
      { sk: 2, name: 'Humidity, relative', unit: '%', color: null, decimals: null },
    ]);
    const t0 = Date.UTC(2025, 9, 20);
    const total = 12_345; // three export pages
    for (let start = 0; start < total; start += 5_000) {
      await b.write(
        Array.from({ length: Math.min(5_000, total - start) }, (_, j) => {
          const i = start + j;
          const d = [{ sk: 1, v: i / 10 }];
          if (i % 3 === 0) d.push({ sk: 2, v: i % 100 });
          if (i === 7) d.push({ sk: 3, v: -1.5 });
          return { k: t0 + i * 1000, d };
        }),
      );
    }
    const answer = await b.get('?format=csv');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="b.csv"; filename*=UTF-8''b.csv`,
    );
    const rows = parseCsv(answer.text);
    expect(rows[0]).toEqual(['time', 'Temperature (°C)', 'Humidity, relative (%)', 'Series 3']);
    expect(
      answer.text.startsWith('time,Temperature (°C),"Humidity, relative (%)",Series 3\r\n'),
    ).toBe(true);
    expect(rows).toHaveLength(total + 1);
    // Every row is the record the JSON read returns.
    const json = await b.get('?limit=10000');
    const records = [
      ...json.json.records,
      ...(await b.get(`?limit=10000&cursor=${json.json.next_cursor}`)).json.records,
    ];
    expect(records).toHaveLength(total);
    records.forEach(
      (record: { key: number; data: { series_key: number; value: number }[] }, i: number) => {
        const values = new Map(record.data.map((d) => [d.series_key, String(d.value)]));
        expect(rows[i + 1]).toEqual([
          new Date(record.key).toISOString(),
          values.get(1) ?? '',
          values.get(2) ?? '',
          values.get(3) ?? '',
        ]);
      },
    );
  });

  it('takes Accept: text/csv, a range, an order and unix ms keys', async () => {
    const b = await bucketWith('TSV');
    await b.write([1, 2, 3, 4].map((i) => ({ k: 1_760_954_400_000 + i, d: [{ sk: 1, v: i }] })));
    const answer = await b.get('?from=1760954400002&to=1760954400003&order=desc&key_format=ms', {
      accept: 'text/csv',
    });
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(answer.text).toBe('time,Series 1\r\n1760954400003,3\r\n1760954400002,2\r\n');
    // A range without records has no series to show: the header alone.
    const empty = await b.get('?format=csv&from=1&to=2');
    expect(empty.text).toBe('time\r\n');
  });

  it('quotes KV keys as RFC 4180 says, and keeps them UTF-8', async () => {
    const b = await bucketWith('KV');
    const keys = ['plain', 'a,comma', 'a "quote"', 'two\r\nlines', 'Zürich 東京'];
    await b.write(keys.map((k, i) => ({ k, d: [{ sk: 2, v: i }] })));
    const answer = await b.get('?format=csv');
    const rows = parseCsv(answer.text);
    expect(rows[0]).toEqual(['key', 'Series 2']);
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([...keys].sort());
    expect(answer.text).toContain('"a ""quote"""');
  });

  it('refuses what an export cannot do, saying what to do instead', async () => {
    const tsv = await bucketWith('TSV');
    const iv = await bucketWith('IV');
    for (const [b, query, parameter] of [
      [tsv, '?format=csv&limit=10', 'limit'],
      [tsv, '?format=csv&key_format=seconds', 'key_format'],
      [iv, '?format=csv&key_format=iso', 'key_format'],
      [iv, '?format=csv&from=5&to=1', 'from'],
      [tsv, '?format=xml', 'format'],
      [tsv, '?key_format=ms', 'key_format'],
    ] as const) {
      const r = await b.get(query);
      expect(r.status, query).toBe(400);
      expect(r.json).toMatchObject({ code: 'invalid_query', errors: [{ parameter }] });
    }
    await tsv.write([1, 2].map((i) => ({ k: 1_760_954_400_000 + i, d: [{ sk: 1, v: i }] })));
    const page = await tsv.get('?limit=1');
    const withCursor = await tsv.get(`?format=csv&cursor=${page.json.next_cursor}`);
    expect(withCursor.status).toBe(400);
    expect(withCursor.json.errors).toEqual([
      { parameter: 'cursor', detail: expect.stringContaining('whole range') },
    ]);
  });
});
