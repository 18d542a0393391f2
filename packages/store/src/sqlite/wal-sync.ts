import { type FileHandle, open } from 'node:fs/promises';
import type Database from 'better-sqlite3';

/** Makes everything written to the WAL so far durable (fdatasync of the -wal file by default). */
export type SyncWal = () => Promise<void>;

/**
 * The server's write connection commits with synchronous=NORMAL, which writes the WAL without
 * fsync: COMMIT costs no disk wait on the event loop. This class then makes commits durable
 * before anyone hears of them, with an fdatasync of the -wal file on libuv's thread pool.
 *
 * Changes are counted with SQLite's total_changes() on the write connection: a caller that
 * made changes up to count N waits for a sync that started after the count reached N (the
 * commit had returned, so its frames were in the file). One sync runs at a time; callers that
 * arrive during it share the next one, so syncs pipeline with commits and complete in order.
 *
 * Why NORMAL keeps "acknowledged means on disk" with this sync: SQLite's WAL is append-only
 * between checkpoints and each frame is checksummed in a chain, so after a crash the database
 * holds a prefix of the committed transactions; every acknowledged one is before a completed
 * fdatasync. A checkpoint syncs the WAL and then the database file before the WAL is reused
 * (NORMAL does that much), so a WAL restart never loses synced frames.
 *
 * A failed sync leaves it unknown what reached the disk (Linux may drop the dirty pages it
 * could not write and report success next time): every later wait fails with the same error,
 * so no write is acknowledged again until the server restarts.
 */
export class WalSync {
  private readonly totalChanges: Database.Statement;
  /** total_changes() when the last completed sync started: all of it is durable. */
  private syncedThrough = 0;
  private running: { through: number; done: Promise<void> } | undefined;
  private queued: { done: Promise<void>; settle: (error?: unknown) => void } | undefined;
  private failure: unknown;
  /** Changes made by the group commit (which waits on its own), for directChanges(). */
  private groupChanges = 0;

  constructor(
    db: Database.Database,
    private readonly syncWal: SyncWal,
  ) {
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
  }

  /** Rows changed by this connection since it opened (a cheap, monotonic count). */
  changes(): number {
    return this.totalChanges.get() as number;
  }

  /** The group commit made `count` changes: they are waited for by the group commit itself. */
  madeByGroupCommit(count: number): void {
    this.groupChanges += count;
  }

  /** Rows changed outside the group commit (see durableAnswers in sqlite-store.ts). */
  directChanges(): number {
    return this.changes() - this.groupChanges;
  }

  /** Resolves once the changes this connection made, up to `through`, are on disk. */
  durable(through: number = this.changes()): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (through <= this.syncedThrough) return Promise.resolve();
    if (this.running === undefined) return this.start();
    if (through <= this.running.through) return this.running.done;
    if (this.queued === undefined) {
      let settle: (error?: unknown) => void = () => {};
      const done = new Promise<void>((resolve, reject) => {
        settle = (error) => (error === undefined ? resolve() : reject(error));
      });
      this.queued = { done, settle };
    }
    return this.queued.done;
  }

  /** Resolves when no sync runs or waits. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running.done.catch(() => {});
  }

  private start(): Promise<void> {
    const through = this.changes();
    const done = this.syncWal().then(
      () => {
        this.syncedThrough = Math.max(this.syncedThrough, through);
        this.next();
      },
      (error: unknown) => {
        this.failure = error;
        this.next();
        throw error;
      },
    );
    this.running = { through, done };
    return done;
  }

  /** Starts the sync that callers queued during the last one (they need its later count). */
  private next(): void {
    this.running = undefined;
    const queued = this.queued;
    this.queued = undefined;
    if (queued === undefined) return;
    if (this.failure !== undefined) queued.settle(this.failure);
    else
      this.start().then(
        () => queued.settle(),
        (error: unknown) => queued.settle(error),
      );
  }
}

/**
 * The real SyncWal: fdatasync of the database's -wal file on the thread pool. Linux writes a
 * file's dirty pages whichever descriptor wrote them, so our own descriptor syncs SQLite's
 * writes. One descriptor for the connection's life: SQLite truncates the WAL in place and
 * deletes it only when the last connection closes or the journal mode changes, neither of
 * which can happen while the server's connection is open (a stat per sync to watch for
 * another inode cost 1.4 % of the event loop under load, for a case that cannot occur).
 */
export function fileSyncWal(walPath: string): { sync: SyncWal; close(): Promise<void> } {
  let file: Promise<FileHandle> | undefined;
  return {
    async sync() {
      file ??= open(walPath, 'r');
      await (await file).datasync();
    },
    async close() {
      const current = file;
      file = undefined;
      if (current) await (await current).close();
    },
  };
}
