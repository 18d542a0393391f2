import { describe, expect, it } from 'vitest';
import { curlExample, sampleRecordsJson, shellQuote } from './curl.ts';

describe('curl example', () => {
  it('writes one record with the key and the bucket id', () => {
    expect(
      curlExample({
        origin: 'https://grid.example.com',
        bucketId: 'b_123',
        type: 'TSV',
        apiKey: 'bg_prod_abc',
        now: 1760954400000,
      }),
    ).toBe(
      [
        "curl -X POST 'https://grid.example.com/api/buckets/b_123' \\",
        "  -H 'X-API-Key: bg_prod_abc' \\",
        "  -H 'Content-Type: application/json' \\",
        `  -d '[{"key": 1760954400000, "data": [{"series_key": 1, "value": 25.5}]}]'`,
      ].join('\n'),
    );
  });

  it('reads the key from the environment when it is not at hand', () => {
    const command = curlExample({ origin: 'http://x', bucketId: 'b', type: 'KV', now: 0 });
    expect(command).toContain('-H "X-API-Key: $BUCKETGRID_API_KEY"');
  });

  it('uses a key of the bucket’s type', () => {
    expect(sampleRecordsJson('KV', 0)).toContain('"key": "berlin"');
    expect(sampleRecordsJson('IV', 0)).toContain('"key": 1,');
    expect(JSON.parse(sampleRecordsJson('TSV', 42))).toEqual([
      { key: 42, data: [{ series_key: 1, value: 25.5 }] },
    ]);
  });

  it('quotes single quotes for the shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
