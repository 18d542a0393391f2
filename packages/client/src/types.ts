/**
 * A record's key, in the bucket's key type:
 * - `TSV` buckets: unix milliseconds, an ISO 8601 string with a zone, or a `Date`;
 * - `KV` buckets: a string of 1 to 256 characters;
 * - `IV` buckets: a safe integer.
 */
export type KeyInput = number | string | Date;

/** A key as the server returns it: TSV keys are unix milliseconds. */
export type Key = number | string;

/** A series value: a finite number, or `null` for a known gap. */
export type SeriesValue = number | null;

/** The long form of a record: 1 to 100 series values, series keys 1 to 1000, each once. */
export interface LongRecordInput {
  key: KeyInput;
  data: { series_key: number; value: SeriesValue }[];
}

/** The minified form of a record (the same record, shorter names). */
export interface MinRecordInput {
  k: KeyInput;
  d: { sk: number; v: SeriesValue }[];
}

/** A record to write, in either form (the two may be mixed in one write). */
export type RecordInput = LongRecordInput | MinRecordInput;

/** A record as `read()` returns it by default. */
export interface LongRecord {
  key: Key;
  data: { series_key: number; value: SeriesValue }[];
}

/** A record as `read({ format: 'min' })` returns it. */
export interface MinRecord {
  k: Key;
  d: { sk: number; v: SeriesValue }[];
}

/** The answer to a write. */
export interface WriteResult {
  /** Records in the request. */
  written: number;
  /** Of those, records whose key was new. */
  inserted: number;
  /** Of those, records whose key existed (or appeared earlier in the same request). */
  updated: number;
  /** Present only when the written records look like a mistake (they were written as sent). */
  warnings?: WriteWarning[];
}

/**
 * Something a successful write looks wrong about. `keys_look_like_seconds`: every numeric key
 * of a TSV write is before 2001, so they are most likely unix seconds, not milliseconds.
 */
export interface WriteWarning {
  code: 'keys_look_like_seconds';
  detail: string;
}

/** `POST` merges the given series into existing records; `PUT` replaces the record. */
export type WriteMode = 'merge' | 'replace';

export interface ReadOptions {
  /** The first key to read (inclusive). */
  from?: KeyInput;
  /** The last key to read (inclusive). */
  to?: KeyInput;
  /** `asc` (the default) or `desc`. */
  order?: 'asc' | 'desc';
  /** Records per page: 1 to 10,000 (default 1,000). */
  limit?: number;
  /** Start after a page a previous read ended on (its `nextCursor`). */
  cursor?: string;
  signal?: AbortSignal;
}

/** One page of a read. */
export interface Page<R> {
  records: R[];
  /** Where the next page starts, or `null` on the last page. */
  nextCursor: string | null;
}

/** Which records a `delete()` removes: chosen keys, or a key range (inclusive). */
export type Selection = { keys: KeyInput[] } | { from?: KeyInput; to?: KeyInput };

export interface DownsampleOptions {
  from?: KeyInput;
  to?: KeyInput;
  /** About how many intervals to return: 1 to 5,000 (default 1,000). */
  points?: number;
  /** Only these series keys (default: every series). */
  series?: number[];
  signal?: AbortSignal;
}

/** One series' figures, one entry per interval (`null`: no value in that interval). */
export interface DownsampledSeries {
  min: SeriesValue[];
  max: SeriesValue[];
  avg: SeriesValue[];
  last: SeriesValue[];
}

/** A range read as intervals, column by column. */
export interface Downsampled {
  /**
   * The width of each interval in key units (milliseconds for TSV), or `null` when the range
   * held no more records than `points` and `keys` are the raw records' keys.
   */
  interval: number | null;
  /** Each interval's start, or each raw record's key. */
  keys: Key[];
  /** Records per interval. */
  count: number[];
  /** Series key → its figures. */
  series: Record<string, DownsampledSeries>;
  /** KV buckets only (never aggregated): more records match than `points`. */
  truncated: boolean;
}
