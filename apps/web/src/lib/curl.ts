import type { BucketType } from '@bucketgrid/shared';

/** A first record of the bucket's key type, in the long form the docs use. */
export function sampleRecordsJson(type: BucketType, now: number): string {
  const key = type === 'TSV' ? String(now) : type === 'KV' ? '"berlin"' : '1';
  return `[{"key": ${key}, "data": [{"series_key": 1, "value": 25.5}]}]`;
}

/** Quotes a word for a POSIX shell: single quotes, with embedded ones closed and escaped. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export interface CurlOptions {
  origin: string;
  bucketId: string;
  type: BucketType;
  /** The full key when the user has it in front of them; otherwise an environment variable. */
  apiKey?: string;
  now: number;
}

/** A ready-to-paste command that writes one record to the bucket. */
export function curlExample({ origin, bucketId, type, apiKey, now }: CurlOptions): string {
  const header = apiKey ? shellQuote(`X-API-Key: ${apiKey}`) : '"X-API-Key: $BUCKETGRID_API_KEY"';
  return [
    `curl -X POST ${shellQuote(`${origin}/api/buckets/${encodeURIComponent(bucketId)}`)}`,
    `  -H ${header}`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(sampleRecordsJson(type, now))}`,
  ].join(' \\\n');
}
