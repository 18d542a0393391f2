import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openSqliteStore } from '../src/sqlite/sqlite-store.ts';
import type { Store } from '../src/store.ts';
import { contractContext } from './contract/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-wal-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/**
 * A WAL sync the test holds: each call waits until the test completes or fails it, so the
 * test sees what the store answers while a sync has not completed.
 */
function heldSyncs() {
  const pending: { complete: () => void; fail: (error: Error) => void }[] = [];
  let holding = false;
  let requested: () => void = () => {};
  return {
    sync: () =>
      holding
        ? new Promise<void>((complete, fail) => {
            pending.push({ complete, fail });
            requested();
          })
        : Promise.resolve(),
    hold() {
      holding = true;
    },
    /** Resolves once a sync has been asked for and is held. */
    requested: () =>
      pending.length > 0 ? Promise.resolve() : new Promise<void>((r) => (requested = r)),
    completeAll() {
      holding = false;
      for (const held of pending.splice(0)) held.complete();
    },
    failNext(error: Error) {
      pending.shift()!.fail(error);
    },
  };
}

function open(syncs: ReturnType<typeof heldSyncs>): Store {
  return openSqliteStore(join(dir, `synced-${++files}.db`), {
    timeoutMs: 1000,
    asServer: true,
    readerThreads: 0,
    syncWal: syncs.sync,
  });
}

/** Whether `promise` has settled once every callback already due has run. */
async function settledNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setImmediate(r));
  return settled;
}

it('answers a group-committed write only after the WAL sync that follows its commit', async () => {
  const syncs = heldSyncs();
  const store = open(syncs);
  const t = contractContext(() => store);
  const bucket = await t.makeBucket('IV');

  syncs.hold();
  const write = store.upsertRecords(bucket, [t.rec(1, { 1: 1 })], 'merge');
  // A write answered without a sync would end the wait too, and fail below.
  await Promise.race([syncs.requested(), write]);
  // Committed (another connection's reads would see it) but not synced: not answered.
  expect(await settledNow(write)).toBe(false);
  // A write committed while the first sync runs waits for a sync of its own.
  const second = store.upsertRecords(bucket, [t.rec(2, { 1: 2 })], 'merge');
  syncs.completeAll();
  await write;
  await second;
  expect(await t.readAll(bucket)).toEqual([t.rec(1, { 1: 1 }), t.rec(2, { 1: 2 })]);
  await store.close();
});

it('answers a write that commits on its own (a sign-up) only after a WAL sync', async () => {
  const syncs = heldSyncs();
  const store = open(syncs);
  const t = contractContext(() => store);
  syncs.hold();
  const user = t.makeUser();
  await Promise.race([syncs.requested(), user]);
  expect(await settledNow(user)).toBe(false);
  syncs.completeAll();
  const made = await user;
  // A read that changes nothing waits for no sync.
  syncs.hold();
  expect(await store.getUserById(made.id)).toEqual(made);
  syncs.completeAll();
  await store.close();
});

it('acknowledges no write once a WAL sync failed', async () => {
  const syncs = heldSyncs();
  const store = open(syncs);
  const t = contractContext(() => store);
  const bucket = await t.makeBucket('IV');
  syncs.hold();
  const write = store.upsertRecords(bucket, [t.rec(1, { 1: 1 })], 'merge');
  await Promise.race([syncs.requested(), write]);
  syncs.failNext(new Error('EIO: i/o error, fdatasync'));
  await expect(write).rejects.toThrow('EIO');
  // What reached the disk is unknown from then on: later writes fail too, without a sync.
  await expect(store.upsertRecords(bucket, [t.rec(2, { 1: 2 })], 'merge')).rejects.toThrow('EIO');
  await expect(t.makeUser()).rejects.toThrow('EIO');
  syncs.completeAll();
  await store.close();
});
