import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openStore } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, expect, it } from 'vitest';
import { call, provision } from './helpers.ts';
import { type ServerProcess, spawnServer, stopServerProcess } from './server-process.ts';

/**
 * Scheduled backups (BACKUP_DIR) in the real server process: written on the schedule, the
 * oldest beyond BACKUP_KEEP deleted and nothing else, and a backup restores the records
 * written before it. Tests may lower the 5-minute minimum (TEST_MIN_BACKUP_INTERVAL_MS).
 */

const run = promisify(execFile);
const cliMain = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));
const database = createTestDatabase('scheduled-backups');
const sqlite = database.backend === 'sqlite';
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-scheduled-backups-'));
afterAll(async () => {
  await database.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** A server process whose every log entry is kept, and a wait for the nth one that matches. */
function logged(server: ServerProcess) {
  const entries: Record<string, unknown>[] = [];
  const waiting: (() => void)[] = [];
  server.lines.on('line', (line) => {
    entries.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiting.splice(0)) wake();
  });
  return {
    entries,
    async nth(message: string, n: number): Promise<Record<string, unknown>> {
      for (;;) {
        const found = entries.filter((entry) => entry.message === message);
        if (found.length >= n) return found[n - 1]!;
        if (server.child.exitCode !== null) throw new Error(`the server exited before ${message}`);
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
  };
}

const METRICS_TOKEN = 'scheduled-backups-metrics-token';
const matching = (names: string[]) =>
  names.filter((name) => /^bucketgrid-\d{8}T\d{6}Z\.db$/.test(name));

it.skipIf(!sqlite)(
  'writes backups on the schedule, keeps the newest BACKUP_KEEP, and they restore',
  async () => {
    const backups = join(dir, 'scheduled');
    // What else lives in the directory: an operator's notes, a hand-made copy, and a backup
    // from long ago (so the first one is due at start).
    const others = [
      'README.txt',
      'bucketgrid-before-upgrade.db',
      'bucketgrid-20200101T000000Z.db.bak',
    ];
    mkdirSync(backups);
    for (const name of others) writeFileSync(join(backups, name), 'not ours');
    writeFileSync(join(backups, 'bucketgrid-20200101T000000Z.db'), 'an old backup');

    const setup = await openStore(database.url);
    const { bucket, key } = await provision(setup, 'IV');
    await setup.close();

    const server = spawnServer(database.url, {
      BACKUP_DIR: backups,
      BACKUP_INTERVAL: '2s',
      BACKUP_KEEP: '2',
      TEST_MIN_BACKUP_INTERVAL_MS: '1000',
      METRICS_TOKEN: METRICS_TOKEN,
    });
    const log = logged(server);
    try {
      const listening = await log.nth('listening', 1);
      expect(listening.backups).toBe(backups);
      // The newest backup is older than an interval: the first one is taken at start.
      const first = await log.nth('backup written', 1);
      expect(first).toMatchObject({ level: 'info', path: expect.stringContaining(backups) });
      expect(first.bytes).toBeGreaterThan(0);
      expect(typeof first.ms).toBe('number');

      const written = await call(`${listening.url}/api/buckets/${bucket.id}`, {
        method: 'POST',
        key,
        body: Array.from({ length: 100 }, (_, k) => ({ k, d: [{ sk: 1, v: k * 2 }] })),
      });
      expect(written.status).toBe(200);
      // The second backup may have begun before the write; the third began after it.
      const third = (await log.nth('backup written', 3)).path as string;

      const names = readdirSync(backups);
      // Two of ours (BACKUP_KEEP), the 2020 one rotated away, everything else untouched.
      expect(matching(names)).toHaveLength(2);
      expect(names).not.toContain('bucketgrid-20200101T000000Z.db');
      for (const name of others) expect(names).toContain(name);
      expect(names.filter((name) => name.endsWith('.partial'))).toEqual([]);
      expect(join(backups, matching(names).at(-1)!)).toBe(third);
      expect(log.entries.filter((entry) => entry.level === 'error')).toEqual([]);

      // A backup, restored with the CLI into a database of its own, holds those records.
      const copy = join(dir, 'third.db');
      copyFileSync(third, join(dir, 'third-source.db'));
      await run(
        process.execPath,
        ['--import', 'tsx', cliMain, 'restore', '--from', join(dir, 'third-source.db')],
        {
          env: { ...process.env, DATABASE_URL: `file:${copy}` },
        },
      );
      const restored = await openStore(`file:${copy}`);
      try {
        const { records } = await restored.readRecords(bucket, { order: 'asc', limit: 1000 });
        expect(records.map((record) => [record.key, record.values])).toEqual(
          Array.from({ length: 100 }, (_, k) => [k, { 1: k * 2 }]),
        );
      } finally {
        await restored.close();
      }

      // Counted in the metrics, with the moment of the last success.
      const metrics = await fetch(`${listening.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      }).then((response) => response.text());
      const successes = Number(
        /^bucketgrid_backups_total\{outcome="success"\} (\d+)$/m.exec(metrics)?.[1],
      );
      expect(successes).toBeGreaterThanOrEqual(3);
      expect(metrics).toMatch(/^bucketgrid_backups_total\{outcome="failure"\} 0$/m);
      const last = Number(
        /^bucketgrid_last_backup_success_timestamp_seconds (\S+)$/m.exec(metrics)?.[1],
      );
      expect(last * 1000).toBeGreaterThanOrEqual(Date.parse(first.time as string) - 2_000);
    } finally {
      expect(await stopServerProcess(server)).toBe(0);
    }
  },
  120_000,
);

/** Starts the server with `env` and expects it to refuse with one error line; that line. */
async function refusal(databaseUrl: string, env: Record<string, string>) {
  const server = spawnServer(databaseUrl, env);
  const log = logged(server);
  expect(await server.exited).toBe(1);
  expect(log.entries).toHaveLength(1);
  return log.entries[0]!;
}

it.skipIf(!sqlite)(
  'refuses to start on a bad BACKUP_INTERVAL, BACKUP_KEEP or MongoDB',
  async () => {
    const backupDir = join(dir, 'refused');
    expect(
      await refusal(database.url, { BACKUP_DIR: backupDir, BACKUP_INTERVAL: '1 day' }),
    ).toMatchObject({
      level: 'error',
      message:
        'BACKUP_INTERVAL "1 day" is not a duration: use a number and a unit, such as 30m, 6h or 1d.',
    });
    // A typo that would back up all the time: below the 5-minute minimum.
    expect(
      await refusal(database.url, { BACKUP_DIR: backupDir, BACKUP_INTERVAL: '1s' }),
    ).toMatchObject({
      message: 'BACKUP_INTERVAL "1s" is shorter than the minimum of 5 minutes: back up less often.',
    });
    expect(await refusal(database.url, { BACKUP_DIR: backupDir, BACKUP_KEEP: '0' })).toMatchObject({
      message: 'BACKUP_KEEP "0" is not a whole number from 1 to 10000.',
    });
    expect(await refusal(database.url, { BACKUP_INTERVAL: '1h' })).toMatchObject({
      message: 'BACKUP_INTERVAL is set but BACKUP_DIR is not: set BACKUP_DIR to turn backups on.',
    });
    // Refused before any connection is tried: nothing listens on this port.
    expect(
      await refusal('mongodb://127.0.0.1:9/bucketgrid', { BACKUP_DIR: backupDir }),
    ).toMatchObject({
      message:
        'BACKUP_DIR backs up SQLite only: on MongoDB use mongodump (docs/backups.md) and unset BACKUP_DIR.',
    });
    expect(readdirSync(dir)).not.toContain('refused');
  },
  120_000,
);

it.skipIf(!sqlite)(
  'logs a failed backup in one line and keeps serving',
  async () => {
    const backups = join(dir, 'failing');
    const server = spawnServer(database.url, {
      BACKUP_DIR: backups,
      BACKUP_INTERVAL: '1s',
      TEST_MIN_BACKUP_INTERVAL_MS: '1000',
    });
    const log = logged(server);
    try {
      const listening = await log.nth('listening', 1);
      await log.nth('backup written', 1);
      // The directory goes away (an unmounted disk): the next backup fails, the server serves.
      rmSync(backups, { recursive: true });
      const failed = await log.nth('backup failed', 1);
      expect(failed).toMatchObject({ level: 'error', path: expect.stringContaining(backups) });
      expect(typeof failed.error).toBe('string');
      expect((await call(`${listening.url}/healthz`)).status).toBe(200);
      // Back again: so are the backups.
      mkdirSync(backups);
      const next = await log.nth('backup written', 2);
      expect(readdirSync(backups)).toContain((next.path as string).slice(backups.length + 1));
    } finally {
      expect(await stopServerProcess(server)).toBe(0);
    }
  },
  120_000,
);
