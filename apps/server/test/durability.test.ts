import { openStore } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, expect, it } from 'vitest';
import { call, provision } from './helpers.ts';
import { startServerProcess, stopServerProcess } from './server-process.ts';

const database = createTestDatabase('durability');
const databaseUrl = database.url;
afterAll(() => database.destroy());

/** The server stores TSV and IV records in chunks (README: SQLITE_SERIES_CHUNKS). */
const chunks = { SQLITE_SERIES_CHUNKS: '1' };

/** Records written before the server starts: more than a write leaves unsealed, so some are in chunks. */
const SEALED = 12_000;

it('keeps every acknowledged write after the process is killed with SIGKILL', async () => {
  const setupStore = await openStore(databaseUrl, { seriesChunks: true });
  const { bucket, key } = await provision(setupStore, 'IV');
  const history = Array.from({ length: SEALED }, (_, i) => ({ key: i - SEALED, values: { 1: i } }));
  await setupStore.upsertRecords(bucket, history, 'merge');
  await setupStore.close();

  const first = await startServerProcess(databaseUrl, chunks);
  const bucketUrl = (url: string) => `${url}/api/buckets/${bucket.id}`;
  const acknowledged: number[] = [];
  /** Series 2 of sealed records, merged in by the writes into the sealed range. */
  const merged = new Map<number, number>();
  let next = 0;
  let killed = false;
  const writer = async () => {
    while (!killed) {
      const k = next++;
      // Every other write also merges into the history, much of it sealed (the slower path,
      // in the same transaction) and the rest rows that upkeep seals while the writes go on.
      const late = k % 2 === 0 ? -1 - ((k * 7919) % SEALED) : undefined;
      try {
        const r = await call(bucketUrl(first.url), {
          method: 'POST',
          key,
          body: [
            { k, d: [{ sk: 1, v: k }] },
            ...(late === undefined ? [] : [{ k: late, d: [{ sk: 2, v: k }] }]),
          ],
        });
        if (r.status === 200) {
          acknowledged.push(k);
          if (late !== undefined) merged.set(late, Math.max(merged.get(late) ?? -1, k));
        }
      } catch {
        // The connection died with the process: this write was never acknowledged.
      }
      if (acknowledged.length >= 400 && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
  await first.exited;

  const second = await startServerProcess(databaseUrl, chunks);
  try {
    const r = await call(`${bucketUrl(second.url)}?from=0&limit=10000`, { key });
    const stored = new Set((r.json.records as { key: number }[]).map((record) => record.key));
    const lost = acknowledged.filter((k) => !stored.has(k));
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);
    expect(lost).toEqual([]);
    // Each merged sealed record holds a value at least as new as the last acknowledged one
    // (a later write may have been applied without its answer arriving).
    const series2 = new Map<number, number | undefined>();
    for (const range of [`from=${-SEALED}&to=${-SEALED / 2 - 1}`, `from=${-SEALED / 2}&to=-1`]) {
      const sealed = await call(`${bucketUrl(second.url)}?${range}&limit=10000`, { key });
      const records = sealed.json.records as {
        key: number;
        data: { series_key: number; value: number }[];
      }[];
      for (const record of records) {
        series2.set(record.key, record.data.find((value) => value.series_key === 2)?.value);
      }
    }
    expect(series2.size).toBe(SEALED);
    expect(merged.size).toBeGreaterThan(100);
    const stale = [...merged].filter(([k, v]) => !((series2.get(k) ?? -1) >= v));
    expect(stale).toEqual([]);
  } finally {
    await stopServerProcess(second);
  }
}, 60_000);
