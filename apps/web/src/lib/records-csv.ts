import { type LongRecord, MAX_READ_LIMIT, type RecordKey } from '@bucketgrid/shared';
import { seriesColumnName, toCsv } from './csv.ts';
import type { TimeFormat } from './time-format.ts';
import type { Bucket, trpc } from './trpc.ts';

type Client = ReturnType<typeof trpc.useUtils>['client'];

/**
 * A bucket's raw records in a key range as CSV, for the bucket page's export: read through the
 * member's own `buckets.records` query (their session and role, their read limits) a page of
 * MAX_READ_LIMIT records at a time, in key order. Columns: the key (times in the viewer's zone,
 * as the app writes them, or ISO 8601 UTC), then every series the range holds.
 */
export async function recordsCsv(
  client: Client,
  bucket: Bucket,
  range: { from?: RecordKey; to?: RecordKey },
  keys: { format: TimeFormat; iso: boolean },
  onProgress: (records: number) => void,
  signal: AbortSignal,
): Promise<string> {
  const records: LongRecord[] = [];
  let cursor: string | undefined;
  do {
    signal.throwIfAborted();
    const page = await client.buckets.records.query(
      {
        dashboardId: bucket.dashboardId,
        bucketId: bucket.id,
        ...range,
        limit: MAX_READ_LIMIT,
        cursor,
      },
      { signal },
    );
    records.push(...page.records);
    onProgress(records.length);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return recordsToCsv(records, bucket, keys);
}

export function recordsToCsv(
  records: LongRecord[],
  bucket: Pick<Bucket, 'type' | 'series'>,
  keys: { format: TimeFormat; iso: boolean },
): string {
  const sks = new Set(bucket.series.map((meta) => meta.sk));
  for (const record of records) for (const d of record.data) sks.add(d.series_key);
  const columns = [...sks].sort((a, b) => a - b);
  const isTime = bucket.type === 'TSV';
  const keyOf = (key: RecordKey) =>
    !isTime
      ? key
      : keys.iso
        ? new Date(Number(key)).toISOString()
        : keys.format.dateTimeMs(Number(key));
  const header = [
    isTime ? (keys.iso ? 'time' : `time (${keys.format.zoneShort})`) : 'key',
    ...columns.map((sk) => seriesColumnName(bucket.series, sk)),
  ];
  const rows = records.map((record) => {
    const values = new Map(record.data.map((d) => [d.series_key, d.value]));
    return [keyOf(record.key), ...columns.map((sk) => values.get(sk) ?? '')];
  });
  return toCsv([header, ...rows]);
}
