import type {
  DataRecord,
  Downsampled,
  DownsampleQuery,
  ReadQuery,
  RecordKey,
  SeriesSummary,
} from '@bucketgrid/shared';
import type { Activity } from './activity.ts';
import type { Bucket, BucketRef } from './tenancy.ts';

/** `merge` (POST) keeps series the write does not name; `replace` (PUT) drops them. */
export type WriteMode = 'merge' | 'replace';

export interface WriteResult {
  inserted: number;
  updated: number;
}

export interface ReadResult {
  records: DataRecord[];
  /** True when more records match after the last one returned. */
  hasMore: boolean;
}

/** The REST API's forms of a record: `{key, data}` or minified `{k, d}` (format=min). */
export type RecordForm = 'long' | 'min';

/** A page of records as JSON text (see SeriesStore.readRecordsJson). */
export interface RecordsJson {
  /** The records, in the form asked for, as a JSON array (UTF-8). */
  records: Buffer;
  hasMore: boolean;
  /** The last record's key, for the next page's cursor. */
  lastKey: RecordKey | undefined;
}

export type RecordSelection = { keys: RecordKey[] } | { from?: RecordKey; to?: RecordKey };

/** What one upkeep step did. */
export interface MaintainResult {
  /** Work remains: call again. */
  more: boolean;
  /** Buckets whose records this step removed (retention), for live views to refresh. */
  trimmed: { bucketId: string; dashboardId: string }[];
  /** Records of deleted buckets this step removed (see deleteBucket). */
  swept: number;
}

/** A bucket's records: writes, reads, downsampled reads and the background upkeep behind them. */
export interface SeriesStore {
  /**
   * Upserts the records in order (a later record with the same key wins), all or nothing,
   * then trims the bucket to its retention. Resolves only once the write is durable.
   */
  upsertRecords(bucket: BucketRef, records: DataRecord[], mode: WriteMode): Promise<WriteResult>;
  readRecords(bucket: BucketRef, query: ReadQuery): Promise<ReadResult>;
  /**
   * readRecords' page as JSON text, each record in `form`, for a caller that only sends it on
   * (the REST API): SQLite serialises it on the reader thread (a page of 10,000 records × 100
   * series is some 30 MB of JSON), so the event loop only writes bytes.
   */
  readRecordsJson(bucket: BucketRef, query: ReadQuery, form: RecordForm): Promise<RecordsJson>;
  /**
   * A range as about `points` points, computed in the database. Per interval
   * [start, start + interval) clipped to [from, to] (intervals aligned to multiples of
   * `interval`, chosen by `chooseInterval`): `count` is its records; per series, min, max and
   * avg are over its non-null values and `last` is its value in the interval's latest record
   * (by key) where it is non-null; null where there is none. Intervals without records are
   * left out; a series appears where it has a non-null value. A range holding at most `points`
   * records comes back as the records themselves (`interval: null`, count 1, min = max = avg =
   * last = the value). `from`/`to` default to the first/last key; `series` filters the series
   * (not the records). KV buckets are never aggregated: their first `points` records in key
   * order, `truncated` when more match.
   *
   * Exact whether or not `maintain` has run: intervals whose pre-aggregated figures are stale
   * are computed from the records (see src/downsample/read.ts). Never writes.
   */
  downsampleRecords(bucket: BucketRef, query: DownsampleQuery): Promise<Downsampled>;
  /**
   * downsampleRecords' answer as JSON text (UTF-8), for a caller that only sends it on (the
   * REST API): SQLite serialises it on the reader thread, so the event loop that serves
   * everyone only writes bytes (an answer of 5,000 intervals × 100 series is megabytes).
   */
  downsampleRecordsJson(bucket: BucketRef, query: DownsampleQuery): Promise<Buffer>;
  /**
   * Which series the bucket's data holds and how many values each has (SeriesSummary): at
   * most SERIES_SCAN_ROWS stored rows read, whatever the bucket's size.
   */
  seriesSummary(bucket: BucketRef): Promise<SeriesSummary>;
  /** Deletes the selected records; returns how many there were. */
  deleteRecords(
    bucket: BucketRef,
    selection: RecordSelection,
    activity?: Activity,
  ): Promise<number>;
  purgeRecords(bucket: Bucket, activity?: Activity): Promise<number>;

  /**
   * One bounded step of background upkeep (a few milliseconds of work): removes a batch of
   * the records of deleted buckets, trims a batch of a bucket left over its retention (a lowered retention; writes trim only as much as they add)
   * and recomputes a batch of the pre-aggregated figures that writes and deletions left stale.
   * `more`: work remains, call again. Safe to run from several processes at once. Cells
   * written in the 2 s before `now` (default: the clock) wait for a later step: they are
   * likely still being written. Says which buckets lost records, for their live views.
   */
  maintain(now?: number): Promise<MaintainResult>;
}
