import type Database from 'better-sqlite3';
import type { WalSync } from './wal-sync.ts';

/**
 * Told about each group commit, for an operator's metrics (the store itself keeps none): how
 * many write jobs it carried, how long they took to run, and how long from their end until
 * they were durable (COMMIT, then the WAL's fdatasync, see wal-sync.ts), which is mostly the
 * disk's sync.
 */
export interface CommitObserver {
  committed(jobs: number, runSeconds: number, commitSeconds: number): void;
  /** The batch failed as a whole (no write lock, disk full, I/O error): none is durable. */
  failed(jobs: number, error: unknown): void;
}

interface Job<T> {
  run: () => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: write jobs that arrive while the event loop is busy are run together in one
 * transaction, so they share one commit and one fsync. Each job runs in its own savepoint:
 * a job that throws rolls back alone and rejects; the others commit. A job's promise settles
 * only once the batch is durable: after COMMIT returned, which with synchronous=FULL means the
 * WAL is on disk, or, with a WalSync (the server's connection, synchronous=NORMAL), after the
 * WAL's fdatasync that followed it completed. The sync runs off the event loop, and the next
 * batch may commit while it runs; syncs complete in order, so batches are acknowledged in order.
 */
export class GroupCommit {
  private queue: Job<unknown>[] = [];
  private scheduled = false;
  /** Jobs submitted and not yet settled, and who waits for that to reach 0 (drain). */
  private unsettled = 0;
  private drained: (() => void)[] = [];
  private readonly runBatch: Database.Transaction<
    (jobs: Job<unknown>[]) => { ok: boolean; value: unknown }[]
  >;

  /** When the last batch's jobs had run, just before its COMMIT (only with an observer). */
  private jobsDoneAt = 0;

  constructor(
    db: Database.Database,
    private readonly observer?: CommitObserver,
    private readonly walSync?: WalSync,
  ) {
    const runJob = db.transaction((job: Job<unknown>) => job.run());
    this.runBatch = db.transaction((jobs: Job<unknown>[]) => {
      const outcomes = jobs.map((job) => {
        try {
          return { ok: true, value: runJob(job) };
        } catch (error) {
          return { ok: false, value: error };
        }
      });
      if (observer) this.jobsDoneAt = performance.now();
      return outcomes;
    });
  }

  submit<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve, reject } as Job<unknown>);
      this.unsettled += 1;
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after pending I/O callbacks: requests already read from their
        // sockets get to join this commit.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves once every submitted job has settled. */
  drain(): Promise<void> {
    if (this.unsettled === 0) return Promise.resolve();
    return new Promise((done) => this.drained.push(done));
  }

  private settled(jobs: number): void {
    this.unsettled -= jobs;
    if (this.unsettled > 0) return;
    const drained = this.drained;
    this.drained = [];
    for (const done of drained) done();
  }

  private flush(): void {
    const jobs = this.queue;
    this.queue = [];
    this.scheduled = false;
    let outcomes: { ok: boolean; value: unknown }[];
    const startedAt = this.observer ? performance.now() : 0;
    const changesBefore = this.walSync?.changes() ?? 0;
    try {
      // IMMEDIATE takes the write lock before the first job: when another process (the CLI)
      // holds it, the batch waits for it once (busy_timeout) and fails as a whole, instead
      // of every job's first write waiting for it again.
      outcomes = this.runBatch.immediate(jobs);
    } catch (error) {
      // The write lock was not to be had, or COMMIT itself failed (disk full, I/O error):
      // nothing of this batch is durable.
      this.walSync?.madeByGroupCommit(this.walSync.changes() - changesBefore);
      this.observer?.failed(jobs.length, error);
      for (const job of jobs) job.reject(error);
      this.settled(jobs.length);
      return;
    }
    // Read now: the next batch may run before this one is durable.
    const jobsDoneAt = this.jobsDoneAt;
    const settle = () => {
      this.observer?.committed(
        jobs.length,
        (jobsDoneAt - startedAt) / 1000,
        (performance.now() - jobsDoneAt) / 1000,
      );
      jobs.forEach((job, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) job.resolve(outcome.value);
        else job.reject(outcome.value);
      });
    };
    if (this.walSync === undefined) {
      settle();
      this.settled(jobs.length);
      return;
    }
    const through = this.walSync.changes();
    this.walSync.madeByGroupCommit(through - changesBefore);
    this.walSync
      .durable(through)
      .then(settle, (error: unknown) => {
        // Committed, but not known to be on disk: not one of these writes is acknowledged.
        this.observer?.failed(jobs.length, error);
        for (const job of jobs) job.reject(error);
      })
      .finally(() => this.settled(jobs.length));
  }
}
