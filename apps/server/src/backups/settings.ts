import { MIN_BACKUP_INTERVAL_MS } from '../limits.ts';

/** Scheduled backups, as BACKUP_DIR, BACKUP_INTERVAL and BACKUP_KEEP ask (docs/backups.md). */
export interface BackupSettings {
  /** The directory the backups are written to (created if missing). */
  dir: string;
  intervalMs: number;
  /** Backups kept; older ones are deleted after each new one. */
  keep: number;
}

export const DEFAULT_BACKUP_INTERVAL = '24h';
export const DEFAULT_BACKUP_KEEP = 7;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `1h`, `1d` in milliseconds, or undefined for anything else. */
export function parseInterval(text: string): number | undefined {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

/**
 * The scheduled-backup settings of `env`, undefined when BACKUP_DIR is unset (backups off), or
 * an Error whose message says what to fix. `minIntervalMs` is MIN_BACKUP_INTERVAL_MS except in
 * tests (TEST_MIN_BACKUP_INTERVAL_MS), which cannot wait minutes for a backup.
 */
export function backupSettingsFrom(
  env: Record<string, string | undefined>,
  minIntervalMs = MIN_BACKUP_INTERVAL_MS,
): BackupSettings | undefined | Error {
  const dir = env.BACKUP_DIR || undefined;
  if (dir === undefined) {
    const stray = ['BACKUP_INTERVAL', 'BACKUP_KEEP'].find((name) => env[name]);
    return stray
      ? new Error(`${stray} is set but BACKUP_DIR is not: set BACKUP_DIR to turn backups on.`)
      : undefined;
  }
  const intervalText = env.BACKUP_INTERVAL || DEFAULT_BACKUP_INTERVAL;
  const intervalMs = parseInterval(intervalText);
  if (intervalMs === undefined) {
    return new Error(
      `BACKUP_INTERVAL "${intervalText}" is not a duration: use a number and a unit, such as 30m, 6h or 1d.`,
    );
  }
  if (intervalMs < minIntervalMs) {
    return new Error(
      `BACKUP_INTERVAL "${intervalText}" is shorter than the minimum of ${minIntervalMs / 60_000} minutes: back up less often.`,
    );
  }
  const keepText = env.BACKUP_KEEP || String(DEFAULT_BACKUP_KEEP);
  const keep = Number(keepText);
  if (!Number.isInteger(keep) || keep < 1 || keep > 10_000) {
    return new Error(`BACKUP_KEEP "${keepText}" is not a whole number from 1 to 10000.`);
  }
  return { dir, intervalMs, keep };
}
