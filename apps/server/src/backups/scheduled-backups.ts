import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BackupResult, backupSqliteOffThread } from '@bucketgrid/store';
import type { Logger } from '../log.ts';
import type { BackupSettings } from './settings.ts';

/** What the schedule reports, for the metrics. */
export interface BackupObserver {
  written(atMs: number): void;
  failed(): void;
}

export interface ScheduledBackupOptions extends BackupSettings {
  /** The SQLite database to back up. */
  databasePath: string;
}

export interface ScheduledBackups {
  /** Stops the schedule, after the backup in progress (if any) has finished. */
  stop(): Promise<void>;
}

/** The backups' names: `bucketgrid-20251020T031500Z.db`, their UTC moment, sorting by time. */
const BACKUP_NAME = /^bucketgrid-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.db$/;
/** What an interrupted backup leaves (backup.ts writes `FILE.partial`, then renames it). */
const PARTIAL_NAME = /^bucketgrid-\d{8}T\d{6}Z\.db\.partial$/;
/** The longest a Node timer waits; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function backupName(atMs: number): string {
  const stamp = new Date(atMs)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `bucketgrid-${stamp}.db`;
}

/** This schedule's backups in `dir`, oldest first, with the moment each was taken. */
export function backupsIn(dir: string): { name: string; atMs: number }[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const parts = BACKUP_NAME.exec(name)?.slice(1).map(Number);
      if (!parts) return [];
      const [year, month, day, hour, minute, second] = parts as [number, ...number[]];
      return [{ name, atMs: Date.UTC(year, month! - 1, day, hour, minute, second) }];
    })
    .sort((a, b) => a.atMs - b.atMs);
}

/**
 * Backs the SQLite database up into a directory on a schedule, keeping the newest `keep`
 * backups (docs/backups.md). The next backup is due an interval after the newest one in the
 * directory, so restarts neither skip nor repeat one; with none there yet, at once. The copy
 * runs on its own thread (backupSqliteOffThread): requests are not stalled while it runs. Only
 * files named as this schedule names them are ever deleted.
 */
export function startScheduledBackups(
  options: ScheduledBackupOptions,
  logger: Logger,
  observer: BackupObserver,
  backup: (databasePath: string, outPath: string) => Promise<BackupResult> = backupSqliteOffThread,
): ScheduledBackups {
  const { dir, intervalMs, keep, databasePath } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function scheduleAt(dueMs: number): void {
    if (stopped) return;
    const wait = Math.max(0, dueMs - Date.now());
    timer = setTimeout(
      () => {
        if (Date.now() < dueMs) return scheduleAt(dueMs);
        running = backUp().finally(() => {
          running = undefined;
        });
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    // Backups alone never keep the process alive.
    timer.unref();
  }

  async function backUp(): Promise<void> {
    const atMs = Date.now();
    const path = join(dir, backupName(atMs));
    const began = performance.now();
    try {
      await backup(databasePath, path);
      const { size } = statSync(path);
      logger('info', 'backup written', {
        path,
        bytes: size,
        ms: Math.round(performance.now() - began),
      });
      observer.written(atMs);
      deleteOldBackups();
    } catch (error) {
      logger('error', 'backup failed', { path, error: (error as Error).message });
      observer.failed();
    }
    scheduleAt(Math.max(Date.now(), atMs + intervalMs));
  }

  /** Deletes this schedule's backups beyond the newest `keep`, and interrupted ones. */
  function deleteOldBackups(): void {
    const backups = backupsIn(dir);
    const stale = backups.slice(0, Math.max(0, backups.length - keep)).map((b) => b.name);
    // A `.partial` is never the one in progress: this runs between backups.
    const partial = readdirSync(dir).filter((name) => PARTIAL_NAME.test(name));
    for (const name of [...stale, ...partial]) rmSync(join(dir, name), { force: true });
  }

  const newest = backupsIn(dir).at(-1);
  scheduleAt(newest === undefined ? Date.now() : newest.atMs + intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
