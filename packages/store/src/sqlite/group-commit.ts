import type Database from 'better-sqlite3';

/**
 * Told about each group commit, for an operator's metrics (the store itself keeps none): how
 * many write jobs it carried, how long they took to run, and how long COMMIT took, which with
 * synchronous=FULL is mostly the fsync.
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
 * only after COMMIT returned, which with WAL and synchronous=FULL means the WAL is on disk.
 */
export class GroupCommit {
  private queue: Job<unknown>[] = [];
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  private readonly runBatch: Database.Transaction<
    (jobs: Job<unknown>[]) => { ok: boolean; value: unknown }[]
  >;

  /** When the last batch's jobs had run, just before its COMMIT (only with an observer). */
  private jobsDoneAt = 0;

  constructor(
    db: Database.Database,
    private readonly observer?: CommitObserver,
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
      if (!this.scheduled) {
        this.scheduled = true;
        this.idle = new Promise((done) => {
          this.markIdle = done;
        });
        // setImmediate runs after pending I/O callbacks: requests already read from their
        // sockets get to join this commit.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves once every submitted job has settled. */
  drain(): Promise<void> {
    return this.idle;
  }

  private flush(): void {
    const jobs = this.queue;
    this.queue = [];
    this.scheduled = false;
    let outcomes: { ok: boolean; value: unknown }[];
    const startedAt = this.observer ? performance.now() : 0;
    try {
      // IMMEDIATE takes the write lock before the first job: when another process (the CLI)
      // holds it, the batch waits for it once (busy_timeout) and fails as a whole, instead
      // of every job's first write waiting for it again.
      outcomes = this.runBatch.immediate(jobs);
    } catch (error) {
      // The write lock was not to be had, or COMMIT itself failed (disk full, I/O error):
      // nothing of this batch is durable.
      this.observer?.failed(jobs.length, error);
      for (const job of jobs) job.reject(error);
      this.markIdle();
      return;
    }
    if (this.observer) {
      const runSeconds = (this.jobsDoneAt - startedAt) / 1000;
      this.observer.committed(
        jobs.length,
        runSeconds,
        (performance.now() - this.jobsDoneAt) / 1000,
      );
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.value);
    });
    this.markIdle();
  }
}
