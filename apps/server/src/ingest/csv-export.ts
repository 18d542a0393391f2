import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Reader, readRecords } from '@bucketgrid/services';
import {
  AppError,
  type DataRecord,
  type ProblemDetailItem,
  type ReadQuery,
  seriesName,
} from '@bucketgrid/shared';
import type { BucketRef, Store } from '@bucketgrid/store';
import { stringify } from 'csv-stringify/sync';
import { SECURITY_HEADERS } from '../http/responses.ts';
import {
  CSV_EXPORT_PAGE_RECORDS,
  CSV_EXPORT_STALL_MS,
  MAX_CONCURRENT_CSV_EXPORTS,
} from '../limits.ts';

/**
 * A bucket's records as CSV (RFC 4180: CRLF line ends, fields quoted where needed; UTF-8): a
 * header row (the key, then each series by its name and unit) and one row per record. The
 * whole range is streamed a page at a time, each page written before the next is read, and
 * never faster than the client takes it, so an export of any size holds one page in memory.
 */

export type KeyFormat = 'iso' | 'ms';

const KEY_FORMATS: readonly string[] = ['iso', 'ms'];

/** Whether the client asked for CSV: `format=csv`, or an Accept header naming text/csv. */
export function wantsCsv(req: IncomingMessage, format: string | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  const accept = req.headers.accept;
  return accept !== undefined && /(?:^|,)\s*text\/csv\s*(?:;|,|$)/i.test(accept);
}

/**
 * The export's own parameters: `key_format` (TSV only: `iso`, the default, or `ms`); `limit`
 * and `cursor` page JSON reads and make no sense for an export of the whole range.
 */
export function csvKeyFormat(
  bucket: BucketRef,
  params: Record<string, string>,
  problems: ProblemDetailItem[],
): KeyFormat {
  for (const name of ['limit', 'cursor'] as const) {
    if (params[name] !== undefined) {
      problems.push({
        parameter: name,
        detail: 'a CSV export is the whole range in one answer: narrow it with from and to',
      });
    }
  }
  const format = params.key_format;
  if (format === undefined) return bucket.type === 'TSV' ? 'iso' : 'ms';
  if (bucket.type !== 'TSV') {
    problems.push({ parameter: 'key_format', detail: 'only TSV buckets have time keys to format' });
  } else if (!KEY_FORMATS.includes(format)) {
    problems.push({ parameter: 'key_format', detail: 'iso (ISO 8601, UTC) or ms (unix ms)' });
  }
  return format as KeyFormat;
}

let exportsRunning = 0;

/** Refuses an export over the per-process cap (before any work), else takes a slot. */
export function takeExportSlot(): () => void {
  if (exportsRunning >= MAX_CONCURRENT_CSV_EXPORTS) {
    throw new AppError(
      'rate_limited',
      `${MAX_CONCURRENT_CSV_EXPORTS} CSV exports are running on this server; retry in 5 s.`,
      { retryAfterSeconds: 5 },
    );
  }
  exportsRunning++;
  let released = false;
  return () => {
    if (!released) exportsRunning--;
    released = true;
  };
}

/**
 * The series an export has columns for: those the range holds values of (from the downsampled
 * read of the whole range, one interval: cheap), and those the bucket describes. A KV bucket
 * is never aggregated, so its range is scanned once for them first.
 */
async function seriesColumns(
  store: Store,
  bucket: BucketRef,
  query: ReadQuery,
  reader: Reader,
): Promise<number[]> {
  const keys = new Set(bucket.series.map((meta) => meta.sk));
  if (bucket.type === 'KV') {
    for await (const page of pages(store, bucket, { ...query, order: 'asc' }, reader)) {
      for (const record of page) for (const sk in record.values) keys.add(Number(sk));
    }
  } else {
    const whole = await store.downsampleRecords(bucket, {
      from: query.from,
      to: query.to,
      points: 1,
    });
    for (const sk of Object.keys(whole.series)) keys.add(Number(sk));
  }
  return [...keys].sort((a, b) => a - b);
}

/** The range's records a page at a time, each page read under the reader's read limits. */
async function* pages(store: Store, bucket: BucketRef, query: ReadQuery, reader: Reader) {
  let after = query.after;
  for (;;) {
    const page = { ...query, limit: CSV_EXPORT_PAGE_RECORDS, after };
    const { records, hasMore } = await readRecords(store, bucket, page, reader);
    if (records.length > 0) yield records;
    if (!hasMore || records.length === 0) return;
    after = records.at(-1)!.key;
  }
}

/** `Content-Disposition` with the bucket's name (an ASCII fallback, and RFC 6266's UTF-8 form). */
function disposition(bucket: BucketRef): string {
  const ascii = bucket.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'bucket';
  return `attachment; filename="${ascii}.csv"; filename*=UTF-8''${encodeURIComponent(bucket.name)}.csv`;
}

function rowsOf(records: DataRecord[], columns: number[], keyFormat: KeyFormat): unknown[][] {
  return records.map((record) => {
    const row: unknown[] = [
      keyFormat === 'iso' ? new Date(record.key as number).toISOString() : record.key,
    ];
    for (const sk of columns) row.push(record.values[sk] ?? '');
    return row;
  });
}

/**
 * Writes text, resolving once the socket takes more (never buffering more than one page), and
 * failing when the client takes nothing for CSV_EXPORT_STALL_MS or goes away.
 */
function write(res: ServerResponse, text: string): Promise<void> {
  if (res.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the client went away during a CSV export'));
    const timer = setTimeout(
      () => done(new Error('the client stopped reading a CSV export')),
      CSV_EXPORT_STALL_MS,
    );
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * Streams the range as CSV. The answer's status and headers go out with the first page; a
 * fault after that can only cut the answer short (the chunked encoding then never ends, so
 * the client sees a failed download, never a silently short file).
 */
export async function sendCsv(
  res: ServerResponse,
  store: Store,
  bucket: BucketRef,
  query: ReadQuery,
  keyFormat: KeyFormat,
  rateLimitHeaders: string[],
  reader: Reader,
): Promise<void> {
  const columns = await seriesColumns(store, bucket, query, reader);
  const header = [bucket.type === 'TSV' ? 'time' : 'key'];
  for (const sk of columns) {
    const unit = bucket.series.find((meta) => meta.sk === sk)?.unit;
    const name = seriesName(bucket.series, sk);
    header.push(unit ? `${name} (${unit})` : name);
  }
  res.writeHead(200, [
    'content-type',
    'text/csv; charset=utf-8; header=present',
    'content-disposition',
    disposition(bucket),
    'cache-control',
    'no-store',
    ...rateLimitHeaders,
    ...SECURITY_HEADERS,
  ]);
  const options = { record_delimiter: '\r\n' as const };
  try {
    await write(res, stringify([header], options));
    for await (const page of pages(store, bucket, query, reader)) {
      await write(res, stringify(rowsOf(page, columns, keyFormat), options));
    }
    res.end();
  } catch (error) {
    res.destroy(error as Error);
  }
}
