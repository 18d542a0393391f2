import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { backupSqlite } from '../src/sqlite/backup.ts';
import { backupSqliteOffThread } from '../src/sqlite/backup-off-thread.ts';

/**
 * How long a backup of a 100 MB database blocks the event loop: on the event loop
 * (`backupSqlite`, what `cli backup` runs) and on its own thread (`backupSqliteOffThread`, what
 * the server's scheduled backups run). The work is bounded (100 MB), and the two are compared
 * within one run, so a busy machine slows both alike.
 */

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-backup-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MEGABYTES = 100;

/** The longest the event loop went without turning while `work` ran, and how long it ran. */
async function blockedDuring(work: () => Promise<unknown>) {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const began = performance.now();
  await work();
  const ms = performance.now() - began;
  clearInterval(ticker);
  longest = Math.max(longest, performance.now() - last);
  return { blockedMs: Math.round(longest), ms: Math.round(ms) };
}

it('copies 100 MB without blocking the event loop, where the one-step copy blocks it throughout', async () => {
  const path = join(dir, 'large.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Pages are pages to a backup: incompressible blobs make the size exact and quick to build.
  db.exec('CREATE TABLE ballast (b BLOB)');
  const insert = db.prepare('INSERT INTO ballast VALUES (randomblob(1048576))');
  db.transaction(() => {
    for (let i = 0; i < MEGABYTES; i++) insert.run();
  })();
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.close();

  const onLoop = await blockedDuring(() => backupSqlite(path, join(dir, 'on-loop.db')));
  const offThread = await blockedDuring(() =>
    backupSqliteOffThread(path, join(dir, 'off-thread.db')),
  );
  console.log(
    `backup of ${MEGABYTES} MB: on the event loop ${onLoop.ms} ms, blocked ${onLoop.blockedMs} ms; ` +
      `on its own thread ${offThread.ms} ms, blocked ${offThread.blockedMs} ms (load ${loadavg()[0]!.toFixed(2)})`,
  );
  for (const copy of ['on-loop.db', 'off-thread.db']) {
    const backup = new Database(join(dir, copy), { readonly: true });
    expect(backup.pragma('page_count', { simple: true })).toBe(pages);
    expect(backup.prepare('SELECT count(*) AS n FROM ballast').get()).toEqual({ n: MEGABYTES });
    backup.close();
  }
  // The one-step copy holds the loop for most of its run; the thread's copy for a fraction of that (its start).
  expect(onLoop.blockedMs).toBeGreaterThan(onLoop.ms / 2);
  expect(offThread.blockedMs).toBeLessThan(onLoop.blockedMs / 2);
}, 120_000);
