import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Downsampled, DownsampleQuery, ReadQuery } from '@bucketgrid/shared';
import { bytesAsBuffer, type RecordsJsonBytes, withBuffer } from '../records-json.ts';
import {
  type BucketRef,
  ReadOverBudget,
  type ReadResult,
  type RecordForm,
  type RecordsJson,
  type Store,
  StoreUnavailable,
} from '../store.ts';
import { mapBusy } from './errors.ts';

/** The reads the pool runs. */
export type ReadsOf = Pick<
  Store,
  'readRecords' | 'readRecordsJson' | 'downsampleRecords' | 'downsampleRecordsJson'
>;

/**
 * What a reader thread is asked (reader-worker.ts). `json`: answer the result as JSON text
 * (UTF-8 bytes, transferred, not copied), serialised on the thread; for records, in that form.
 */
export type ReaderTask =
  | { op: 'read'; bucket: BucketRef; query: ReadQuery; json: RecordForm | undefined }
  | { op: 'downsample'; bucket: BucketRef; query: DownsampleQuery; json: boolean };

/** What it answers: the result, or the error's message and code (SQLite's, or the store's). */
export type ReaderReply = (
  | { ok: true; result: ReadResult | RecordsJsonBytes | Downsampled | Uint8Array }
  | { ok: false; message: string; code: string | undefined }
) & {
  /** The thread's CPU time for the task (background-thread.ts's threadCpuMs). */
  cpuMs?: number;
};

export interface ReaderPoolOptions {
  /** Reader threads (each with its own connection). */
  threads: number;
  /** Reads waiting for a thread beyond which more are refused (StoreUnavailable). */
  maxWaiting: number;
  /**
   * A read still running after this fails with StoreUnavailable and its thread is replaced
   * (a synchronous SQLite read cannot be interrupted any other way). Also the connection's
   * busy timeout.
   */
  timeoutMs: number;
  /**
   * A bucket's records now, which picks a read's lane (the bucket a read is given may be
   * kept in memory, without its count: BucketRef).
   */
  recordCount: (bucketId: string) => number;
}

/**
 * Reads that touch at most this many records (a bucket that small, or a page that short) are
 * light: they never wait behind heavy ones (see ReaderPool).
 */
export const LIGHT_READ_RECORDS = 5_000;

/**
 * While the event loop is busy (LOOP_BUSY of the time a heavy read ran, or more), no heavy read
 * starts for HEAVY_REST times as long as the last one ran: see ReaderPool.
 */
export const HEAVY_REST = 7;
export const LOOP_BUSY = 0.25;
/** A heavy-lane read that used less CPU than this (ms) starts no rest: see ReaderPool. */
export const REST_FROM_CPU_MS = 10;

/** Which queue a read waits in. */
type Lane = 'light' | 'heavy';

interface Job {
  task: ReaderTask;
  lane: Lane;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** One thread, started on first use, and the job it runs. */
interface Slot {
  worker: Worker | undefined;
  lane: Lane | undefined;
  /** The thread has opened its connection (its start, tsx included, is not a read's time). */
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** When the job was sent to the thread (performance.now()), and the loop's use then. */
  sentAt: number;
  sentLoop: EventLoopUtilization | undefined;
}

/**
 * The SQLite store's reads (records and downsampled) on a few threads of their own, so that a
 * long read costs its caller time, never the event loop that serves everyone else: one read
 * per thread at a time, a deadline per read, and two bounded queues in arrival order. Light
 * reads (LIGHT_READ_RECORDS) go first, and heavy ones never take the last thread: five
 * callers reading a 200,000-record bucket as hard as they could made a normal client's read
 * of its small bucket wait behind them (p50 from 4 ms to 0.3–1 s). The read limits of
 * packages/services let each caller run one read at a time, so the heavy queue takes callers
 * in turn.
 *
 * And while the event loop is busy, heavy reads rest: after a heavy read, none starts for
 * HEAVY_REST times as long as it ran, so they get at most an eighth of a core. Only after a
 * read that was heavy in fact (REST_FROM_CPU_MS of CPU or more): the lane goes by the
 * bucket's size, and a member's chart of the last hour of a 100,000-record bucket (at most
 * 1.5 ms of CPU in 9 reads of 10, but up to 30 ms and more on the clock at nice 19 beside
 * ingestion) made the member's next chart wait behind its rest (bench:share: its reads p95
 * 57–135 ms → up to 286 ms). Their thread's priority (background-thread.ts) was not
 * enough: beside five clients reading a 200,000-record bucket as hard as they could, the
 * reader threads took 0.24–0.65 of the two cores at nice 19 (SCHED_IDLE did no better) and
 * ingestion fell to 0.60–0.95 × of without
 * (mean 0.73); resting as long as they ran, 0.75–1.45 × (mean 0.99) over the same nine turns,
 * but a normal client's p95 still rose 1.4–2.2 × in two turns of three; resting three times
 * as long, 0.87–1.31 × and ingestion 0.88–1.20 ×, but 1.67 × and 0.85 × once the bench warmed
 * the server up first (its cold first turn had flattered the ratios); seven times as long,
 * 1.10 × and 0.95 × in the same run, a third fewer heavy reads answered meanwhile
 * (docs/performance.md, "A warmed-up bench, …").
 * A server whose loop is idle has the cores to spare: its heavy reads (a dashboard of large
 * buckets opening) follow each other without rest. A heavy read may wait longer; its own time
 * is unchanged.
 */
export class ReaderPool {
  private readonly slots: Slot[];
  private readonly waiting: Record<Lane, Job[]> = { light: [], heavy: [] };
  /** No heavy read starts before this (performance.now()): see the class's comment. */
  private heavyRestUntil = 0;
  private restTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly options: ReaderPoolOptions,
    /**
     * The same reads on the caller's own connection, for while no thread has started yet
     * (a second or more on a busy machine): the first reads after the store opens need not
     * wait for a thread, nor fail a short deadline because of it.
     */
    private readonly beforeReady: ReadsOf,
  ) {
    this.slots = Array.from({ length: options.threads }, () => ({
      worker: undefined,
      lane: undefined,
      ready: false,
      job: undefined,
      timer: undefined,
      sentAt: 0,
      sentLoop: undefined,
    }));
  }

  readRecords(bucket: BucketRef, query: ReadQuery): Promise<ReadResult> {
    if (!this.started()) {
      this.warmUp();
      return this.beforeReady.readRecords(bucket, query);
    }
    const records = Math.min(query.limit, this.options.recordCount(bucket.id));
    return this.run(
      { op: 'read', bucket, query, json: undefined },
      laneFor(records),
    ) as Promise<ReadResult>;
  }

  async readRecordsJson(
    bucket: BucketRef,
    query: ReadQuery,
    form: RecordForm,
  ): Promise<RecordsJson> {
    if (!this.started()) {
      this.warmUp();
      return this.beforeReady.readRecordsJson(bucket, query, form);
    }
    const records = Math.min(query.limit, this.options.recordCount(bucket.id));
    const page = await this.run({ op: 'read', bucket, query, json: form }, laneFor(records));
    return withBuffer(page as RecordsJsonBytes);
  }

  downsampleRecords(bucket: BucketRef, query: DownsampleQuery): Promise<Downsampled> {
    if (!this.started()) {
      this.warmUp();
      return this.beforeReady.downsampleRecords(bucket, query);
    }
    return this.run(
      { op: 'downsample', bucket, query, json: false },
      laneFor(this.options.recordCount(bucket.id)),
    ) as Promise<Downsampled>;
  }

  async downsampleRecordsJson(bucket: BucketRef, query: DownsampleQuery): Promise<Buffer> {
    if (!this.started()) {
      this.warmUp();
      return this.beforeReady.downsampleRecordsJson(bucket, query);
    }
    const bytes = await this.run(
      { op: 'downsample', bucket, query, json: true },
      laneFor(this.options.recordCount(bucket.id)),
    );
    return bytesAsBuffer(bytes as Uint8Array);
  }

  /** Whether any thread is ready (or the pool is closed, which `run` refuses). */
  private started(): boolean {
    return this.closed || this.slots.some((slot) => slot.ready);
  }

  /** Starts every thread not started yet (reads start them too, at the first). */
  warmUp(): void {
    for (const slot of this.slots) this.workerOf(slot);
  }

  /** Refuses what waits, fails what runs, and stops every thread. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restTimer);
    const gone = new StoreUnavailable('the store is closing');
    for (const job of [...this.waiting.light.splice(0), ...this.waiting.heavy.splice(0)]) {
      job.reject(gone);
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        const { worker, job } = slot;
        this.release(slot);
        job?.reject(gone);
        slot.worker = undefined;
        await worker?.terminate();
      }),
    );
  }

  private run(task: ReaderTask, lane: Lane): Promise<unknown> {
    if (this.closed) return Promise.reject(new StoreUnavailable('the store is closed'));
    return new Promise((resolve, reject) => {
      const job: Job = { task, lane, resolve, reject };
      const free = this.slots.find((slot) => slot.job === undefined);
      const waiting = this.waiting.light.length + this.waiting.heavy.length;
      if (free && (lane === 'light' || this.heavyMayStart())) this.start(free, job);
      else if (waiting < this.options.maxWaiting) this.waiting[lane].push(job);
      else reject(new StoreUnavailable('every reader is busy'));
    });
  }

  /** Heavy reads leave one thread (of two or more) to light ones, and rest (see the class). */
  private heavyMayStart(): boolean {
    if (performance.now() < this.heavyRestUntil) return false;
    const heavy = this.slots.filter((slot) => slot.lane === 'heavy').length;
    return heavy < Math.max(1, this.slots.length - 1);
  }

  private start(slot: Slot, job: Job): void {
    const worker = this.workerOf(slot);
    slot.job = job;
    slot.lane = job.lane;
    // Busy, the thread keeps the process alive (a CLI awaiting its read); idle, it must not.
    worker.ref();
    if (slot.ready) this.send(slot, job);
  }

  /** Hands the job to the ready thread, with its deadline. */
  private send(slot: Slot, job: Job): void {
    const { timeoutMs } = this.options;
    slot.sentAt = performance.now();
    slot.sentLoop = performance.eventLoopUtilization();
    slot.timer = setTimeout(() => {
      this.replace(slot, new StoreUnavailable(`no answer within ${timeoutMs} ms (read)`));
    }, timeoutMs);
    slot.worker!.postMessage(job.task);
  }

  private workerOf(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const worker = new Worker(new URL('./reader-thread.js', import.meta.url), {
      workerData: { path: this.path, timeoutMs: this.options.timeoutMs },
      execArgv: [],
    });
    worker.on('message', (reply: ReaderReply | 'ready') => {
      const { job } = slot;
      if (slot.worker !== worker) return;
      if (reply === 'ready') {
        slot.ready = true;
        if (job) this.send(slot, job);
        return;
      }
      if (!job) return;
      this.release(slot, reply.cpuMs);
      if (reply.ok) job.resolve(reply.result);
      else if (reply.code === ReadOverBudget.code) job.reject(new ReadOverBudget(reply.message));
      else job.reject(mapBusy(Object.assign(new Error(reply.message), { code: reply.code })));
      this.next(slot);
    });
    worker.on('error', (error) => {
      if (slot.worker === worker) this.replace(slot, error);
    });
    worker.on('exit', () => {
      if (slot.worker === worker) this.replace(slot, new StoreUnavailable('a reader stopped'));
    });
    worker.unref();
    slot.worker = worker;
    slot.ready = false;
    return worker;
  }

  /** Fails the slot's job, drops its thread (a new one starts on next use), runs the next job. */
  private replace(slot: Slot, error: unknown): void {
    const { worker, job } = slot;
    this.release(slot);
    slot.worker = undefined;
    void worker?.terminate();
    job?.reject(error);
    this.next(slot);
  }

  /** `cpuMs`: the read's CPU time on its thread, when it answered (else it counts as heavy). */
  private release(slot: Slot, cpuMs = Number.POSITIVE_INFINITY): void {
    if (slot.lane === 'heavy' && slot.timer && cpuMs >= REST_FROM_CPU_MS) {
      const { utilization } = performance.eventLoopUtilization(slot.sentLoop);
      if (utilization >= LOOP_BUSY) this.restAfterHeavy(performance.now() - slot.sentAt);
    }
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    slot.lane = undefined;
    slot.worker?.unref();
  }

  /** Starts the rest after a heavy read that ran `ranMs`, and the heavy reads waiting after it. */
  private restAfterHeavy(ranMs: number): void {
    if (this.closed) return;
    this.heavyRestUntil = Math.max(this.heavyRestUntil, performance.now() + HEAVY_REST * ranMs);
    clearTimeout(this.restTimer);
    this.restTimer = setTimeout(() => {
      // Over, even if the timer fired a fraction of a millisecond early by performance.now().
      this.heavyRestUntil = 0;
      for (const slot of this.slots) if (slot.job === undefined) this.next(slot);
    }, this.heavyRestUntil - performance.now());
  }

  private next(slot: Slot): void {
    if (this.closed) return;
    const job =
      this.waiting.light.shift() ?? (this.heavyMayStart() ? this.waiting.heavy.shift() : undefined);
    if (job) this.start(slot, job);
  }
}

function laneFor(records: number): Lane {
  return records <= LIGHT_READ_RECORDS ? 'light' : 'heavy';
}
