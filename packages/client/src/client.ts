import { type BatchOptions, RecordBatcher } from './batcher.js';
import { Transport, type TransportOptions } from './transport.js';
import type {
  Downsampled,
  DownsampleOptions,
  KeyInput,
  LongRecord,
  MinRecord,
  Page,
  ReadOptions,
  RecordInput,
  Selection,
  WriteMode,
  WriteResult,
} from './types.js';

export type ClientOptions = TransportOptions;

/**
 * A client of one Bucketgrid server's data API (`/api`), with one API key. The key opens
 * every bucket of its dashboard: `client.bucket(id)` gives the calls for one of them.
 */
export class BucketgridClient {
  private readonly transport: Transport;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options);
  }

  /** The calls for one bucket (no request is made until you call one). */
  bucket(id: string): Bucket {
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) {
      throw new TypeError(`"${id}" is not a bucket id (copy it from the bucket's page)`);
    }
    return new Bucket(this.transport, id);
  }
}

/** The data API of one bucket. */
export class Bucket {
  private readonly path: string;

  constructor(
    private readonly transport: Transport,
    readonly id: string,
  ) {
    this.path = `/api/buckets/${id}`;
  }

  /**
   * Upserts records (`POST`): for a key that exists, the given series replace those series
   * and the record's other series stay. All or nothing: one invalid record fails the call
   * (a `BucketgridError` with code `invalid_records` and every problem in `errors`).
   * Resolves once the records are on the server's disk.
   */
  write(records: RecordInput[], options: { signal?: AbortSignal } = {}): Promise<WriteResult> {
    return this.send('merge', records, options.signal);
  }

  /** Upserts records (`PUT`): for a key that exists, the record is replaced as a whole. */
  put(records: RecordInput[], options: { signal?: AbortSignal } = {}): Promise<WriteResult> {
    return this.send('replace', records, options.signal);
  }

  private sendText(mode: WriteMode, body: string, signal?: AbortSignal): Promise<WriteResult> {
    return this.transport.send<WriteResult>({
      method: mode === 'merge' ? 'POST' : 'PUT',
      path: this.path,
      body,
      compressible: true,
      signal,
    });
  }

  private send(mode: WriteMode, records: RecordInput[], signal?: AbortSignal) {
    return this.sendText(mode, JSON.stringify(records), signal);
  }

  /**
   * Reads records page by page, in key order: `for await (const page of bucket.read())`.
   * Stop early by breaking out of the loop; nothing more is requested.
   */
  read(options: ReadOptions & { format: 'min' }): AsyncGenerator<Page<MinRecord>, void>;
  read(options?: ReadOptions & { format?: 'long' }): AsyncGenerator<Page<LongRecord>, void>;
  async *read(
    options: ReadOptions & { format?: 'long' | 'min' } = {},
  ): AsyncGenerator<Page<LongRecord | MinRecord>, void> {
    let cursor = options.cursor;
    do {
      const page = await this.transport.send<{
        records: (LongRecord | MinRecord)[];
        next_cursor: string | null;
      }>({
        method: 'GET',
        path: this.path,
        query: {
          from: keyParam(options.from),
          to: keyParam(options.to),
          order: options.order,
          limit: options.limit === undefined ? undefined : String(options.limit),
          cursor,
          format: options.format === 'min' ? 'min' : undefined,
        },
        signal: options.signal,
      });
      yield { records: page.records, nextCursor: page.next_cursor };
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  /**
   * Deletes chosen records (`{ keys: [...] }`) or a key range (`{ from, to }`, inclusive).
   * A selection that names nothing is refused (code `empty_selection`); use `purge()` to
   * empty the bucket.
   */
  delete(
    selection: Selection,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ deleted: number }> {
    if ('keys' in selection) {
      return this.transport.send({
        method: 'DELETE',
        path: this.path,
        body: JSON.stringify({ keys: selection.keys }),
        signal: options.signal,
      });
    }
    return this.transport.send({
      method: 'DELETE',
      path: this.path,
      query: { from: keyParam(selection.from), to: keyParam(selection.to) },
      signal: options.signal,
    });
  }

  /** Deletes every record of the bucket; the bucket stays. */
  purge(options: { signal?: AbortSignal } = {}): Promise<{ deleted: number }> {
    return this.transport.send({
      method: 'POST',
      path: `${this.path}/purge`,
      signal: options.signal,
    });
  }

  /**
   * Reads a range as about `points` intervals per series (min, max, avg, last and the record
   * count of each), or as the raw records when the range holds no more than `points`.
   */
  downsample(options: DownsampleOptions = {}): Promise<Downsampled> {
    return this.transport.send({
      method: 'GET',
      path: `${this.path}/downsample`,
      query: {
        from: keyParam(options.from),
        to: keyParam(options.to),
        points: options.points === undefined ? undefined : String(options.points),
        series: options.series?.join(','),
      },
      signal: options.signal,
    });
  }

  /**
   * A buffer for high-rate producers: `add()` records as they come; they are sent in batches
   * (by size, or every `flushIntervalMs`), one request at a time and in order. `mode`
   * chooses `POST` (merge, the default) or `PUT` (replace) for every batch.
   */
  batcher(options: BatchOptions & { mode?: WriteMode } = {}): RecordBatcher {
    const { mode = 'merge', ...rest } = options;
    return new RecordBatcher((body) => this.sendText(mode, body), rest);
  }
}

function keyParam(key: KeyInput | undefined): string | undefined {
  if (key === undefined) return undefined;
  return key instanceof Date ? String(key.getTime()) : String(key);
}
