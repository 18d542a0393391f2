import { BucketgridError, RefusedRecordsError } from './errors.js';
import type { RecordInput, WriteResult } from './types.js';

/** The server's limits on one write. */
export const MAX_RECORDS_PER_WRITE = 10_000;
export const MAX_WRITE_BYTES = 5 * 1024 * 1024;

export interface BatchOptions {
  /** Records per request, at most 10,000 (the default). */
  maxRecords?: number;
  /** Bytes of JSON per request (before gzip), at most 5 MiB (the default). */
  maxBytes?: number;
  /** Send what is buffered at least this often (default 1,000 ms). */
  flushIntervalMs?: number;
  /**
   * `add()` waits while this many records are buffered (default 100,000): a producer faster
   * than the server, or a server that is down, slows the producer instead of filling memory.
   */
  maxPendingRecords?: number;
  /**
   * Failures of batches sent in the background (by size or interval): records the server
   * refused (`RefusedRecordsError`, they are not retried) and, while the server cannot be
   * reached, the last error of each try (those records stay buffered and are tried again).
   * Without it, refused records are reported by the next `flush()` or `close()`.
   */
  onError?: (error: BucketgridError) => void;
}

type BatchState = 'open' | 'sending' | 'sent' | 'refused';

interface Batch {
  id: number;
  parts: string[];
  bytes: number;
  /** Full: no more records fit, send it without waiting for the interval. */
  full: boolean;
  state: BatchState;
  error?: RefusedRecordsError;
}

/**
 * Buffers records and writes them in batches, one request at a time and in the order they
 * were added, so the last record added for a key is the one that stays. Records are never
 * dropped: a batch the server cannot take now (no answer, 429, 503) stays at the head of the
 * queue and is tried again; a batch it refuses (invalid records) is handed back as a
 * `RefusedRecordsError` carrying its records.
 */
export class RecordBatcher {
  private readonly maxRecords: number;
  private readonly maxBytes: number;
  private readonly flushIntervalMs: number;
  private readonly maxPendingRecords: number;
  private batches: Batch[] = [];
  private nextId = 1;
  /** Batches up to this id are sent even if not full (a flush or the interval asked). */
  private flushThrough = 0;
  private pendingRecords = 0;
  private running: Promise<BucketgridError | undefined> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private unreported: RefusedRecordsError[] = [];
  private spaceWaiters: (() => void)[] = [];

  constructor(
    private readonly send: (body: string) => Promise<WriteResult>,
    private readonly options: BatchOptions = {},
  ) {
    this.maxRecords = options.maxRecords ?? MAX_RECORDS_PER_WRITE;
    this.maxBytes = options.maxBytes ?? MAX_WRITE_BYTES;
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.maxPendingRecords = options.maxPendingRecords ?? 100_000;
    if (!(this.maxRecords >= 1 && this.maxRecords <= MAX_RECORDS_PER_WRITE)) {
      throw new RangeError(`maxRecords: 1 to ${MAX_RECORDS_PER_WRITE}`);
    }
    if (!(this.maxBytes >= 1024 && this.maxBytes <= MAX_WRITE_BYTES)) {
      throw new RangeError(`maxBytes: 1024 to ${MAX_WRITE_BYTES}`);
    }
  }

  /** Records added and not yet acknowledged by the server. */
  get pending(): number {
    return this.pendingRecords;
  }

  /**
   * Buffers records; resolves at once unless `maxPendingRecords` are already buffered, then
   * once there is room again. Await it: that is how a fast producer is slowed down.
   */
  async add(records: RecordInput | RecordInput[]): Promise<void> {
    if (this.closed) throw new TypeError('This batcher is closed; records can no longer be added.');
    const list = Array.isArray(records) ? records : [records];
    const texts = list.map((record) => this.serialise(record));
    let sealed = false;
    for (const { text, bytes } of texts) {
      let batch = this.batches.at(-1);
      if (!batch || !this.fits(batch, bytes)) {
        if (batch?.state === 'open') {
          batch.full = true;
          sealed = true;
        }
        batch = { id: this.nextId++, parts: [], bytes: 2, full: false, state: 'open' };
        this.batches.push(batch);
      }
      batch.parts.push(text);
      batch.bytes += bytes + (batch.parts.length > 1 ? 1 : 0);
      if (batch.parts.length >= this.maxRecords) {
        batch.full = true;
        sealed = true;
      }
    }
    this.pendingRecords += texts.length;
    if (sealed) this.inBackground();
    this.armTimer();
    while (this.pendingRecords >= this.maxPendingRecords && !this.closed) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
  }

  /**
   * Sends every record added before this call and resolves when the server has them on disk.
   * Rejects if the server cannot be reached within the retry policy (the records stay
   * buffered; flush again later) or refused some records (`RefusedRecordsError`).
   */
  async flush(): Promise<void> {
    const mine = this.batches.slice();
    const last = mine.at(-1);
    if (last) {
      this.flushThrough = Math.max(this.flushThrough, last.id);
      while (mine.some((batch) => batch.state === 'open' || batch.state === 'sending')) {
        const joined = this.running !== undefined;
        const failure = await this.pump();
        const left = mine.some((batch) => batch.state === 'open' || batch.state === 'sending');
        // A run that was under way before this call may have failed before it came to our
        // batches: start one of our own before giving up.
        if (left && failure && !joined) {
          this.armTimer();
          throw failure;
        }
      }
    }
    const refused = new Set([...this.unreported, ...mine.flatMap((batch) => batch.error ?? [])]);
    this.unreported = [];
    if (refused.size > 0) throw combine([...refused]);
  }

  /** Stops accepting records, then flushes (see `flush()`); the interval timer ends. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const wake of this.spaceWaiters.splice(0)) wake();
    await this.flush();
  }

  /** Whether a record of `bytes` may still join `batch`. */
  private fits(batch: Batch, bytes: number): boolean {
    return (
      batch.state === 'open' &&
      !batch.full &&
      batch.parts.length < this.maxRecords &&
      batch.bytes + bytes + 1 <= this.maxBytes
    );
  }

  private serialise(record: RecordInput): { text: string; bytes: number } {
    const text = JSON.stringify(record);
    if (typeof text !== 'string') throw new TypeError('A record must be a JSON object.');
    const bytes = utf8Length(text);
    if (bytes + 2 > this.maxBytes) {
      throw new BucketgridError({
        status: 0,
        code: 'payload_too_large',
        detail: `One record is over ${this.maxBytes} bytes of JSON; it can never be sent.`,
      });
    }
    return { text, bytes };
  }

  /** Sends batches in order while there are batches to send; resolves with what stopped it. */
  private pump(): Promise<BucketgridError | undefined> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<BucketgridError | undefined> {
    for (;;) {
      const batch = this.batches[0];
      if (!batch || !(batch.full || batch.id <= this.flushThrough)) return undefined;
      batch.state = 'sending';
      try {
        await this.send(`[${batch.parts.join(',')}]`);
        batch.state = 'sent';
      } catch (error) {
        if (!(error instanceof BucketgridError)) throw error;
        if (error.retryable) {
          batch.state = 'open';
          batch.full = true;
          return error;
        }
        batch.state = 'refused';
        batch.error = new RefusedRecordsError(
          error,
          batch.parts.map((part) => JSON.parse(part)),
        );
      }
      this.batches.shift();
      this.pendingRecords -= batch.parts.length;
      if (batch.error) this.report(batch.error, true);
      if (this.pendingRecords < this.maxPendingRecords) {
        for (const wake of this.spaceWaiters.splice(0)) wake();
      }
    }
  }

  /** A send started by size or by the interval: nobody awaits it, so errors go to onError. */
  private inBackground(): void {
    void this.pump().then((failure) => {
      if (failure) this.report(failure, false);
      this.armTimer();
    });
  }

  private report(error: BucketgridError, refusal: boolean): void {
    if (this.options.onError) this.options.onError(error);
    else if (refusal) this.unreported.push(error as RefusedRecordsError);
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.batches.length === 0 || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const last = this.batches.at(-1);
      if (last) this.flushThrough = Math.max(this.flushThrough, last.id);
      this.inBackground();
    }, this.flushIntervalMs);
  }
}

function combine(errors: RefusedRecordsError[]): RefusedRecordsError {
  if (errors.length === 1) return errors[0]!;
  return new RefusedRecordsError(
    errors[0]!,
    errors.flatMap((error) => error.records),
  );
}

/** Bytes of `text` in UTF-8, without encoding it. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}
