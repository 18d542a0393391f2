/**
 * `pnpm bench:export`: a CSV export of 1,000,000 records (one TSV bucket, 4 series, one record
 * a second) from the real server process. Printed: records/s and MB/s as the client received
 * them, and the server's resident memory before and at its peak during the export (its own
 * figures, from /proc). Each export is streamed by the client and counted, never held. Environment: BENCH_RECORDS (1,000,000),
 * BENCH_TURNS (3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey, createBucket, createDashboard, createUser } from '@bucketgrid/services';
import type { DataRecord } from '@bucketgrid/shared';
import { openStore } from '@bucketgrid/store';
import {
  peakRssMiB,
  pinToCoreOne,
  resetPeak,
  rssMiB,
  startServerProcess,
  stopAll,
} from './harness.ts';

pinToCoreOne(import.meta.url);

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const TURNS = Number(process.env.BENCH_TURNS ?? 3);
const START = Date.UTC(2026, 0, 1);

/** Streams an answer's body, counting bytes and line ends; returns them with the wall time. */
async function download(url: string, key: string) {
  const started = performance.now();
  const response = await fetch(url, { headers: { 'x-api-key': key } });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return { bytes, lines, seconds: (performance.now() - started) / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-bench-export-'));
const databaseUrl = `file:${join(dir, 'bench.db')}`;
try {
  const store = await openStore(databaseUrl);
  const user = await createUser(store, {
    email: 'bench@example.com',
    password: 'correct horse battery staple',
    name: 'Bench',
  });
  const dashboard = await createDashboard(store, {
    ownerId: user.id,
    name: 'Export',
    retention: 1_000_000,
  });
  const bucket = await createBucket(store, {
    dashboardId: dashboard.id,
    name: 'Plant',
    type: 'TSV',
  });
  const { key } = await createApiKey(
    store,
    { dashboardId: dashboard.id, name: 'bench', type: 'production', createdBy: user.id },
    Date.now(),
  );
  const filling = performance.now();
  for (let start = 0; start < RECORDS; start += 10_000) {
    const records: DataRecord[] = [];
    for (let i = start; i < Math.min(RECORDS, start + 10_000); i++) {
      records.push({
        key: START + i * 1000,
        values: { 1: 20 + (i % 97) / 10, 2: 50 + (i % 13), 3: i % 7, 4: i % 5 === 0 ? null : i },
      });
    }
    await store.upsertRecords((await store.getBucket(bucket.id))!, records, 'merge');
  }
  await store.close();
  console.log(
    `${RECORDS.toLocaleString('en-US')} records written in ${((performance.now() - filling) / 1000).toFixed(1)} s; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const server = await startServerProcess({ DATABASE_URL: databaseUrl });
  const base = `${server.url}/api/buckets/${bucket.id}`;
  console.log('| run | records/s | MB/s | server RSS before | server peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (let turn = 1; turn <= TURNS; turn++) {
    for (const [name, query] of [
      ['CSV, ISO keys', '?format=csv'],
      ['CSV, unix ms keys', '?format=csv&key_format=ms'],
    ] as const) {
      const before = rssMiB(server.pid);
      resetPeak(server.pid);
      const { bytes, lines, seconds } = await download(`${base}${query}`, key);
      if (lines !== RECORDS + 1) throw new Error(`${name}: ${lines} lines for ${RECORDS} records`);
      console.log(
        `| ${name} (turn ${turn}) | ${Math.round(RECORDS / seconds).toLocaleString('en-US')} | ${(bytes / 1e6 / seconds).toFixed(1)} | ${before.toFixed(0)} MiB | ${peakRssMiB(server.pid).toFixed(0)} MiB |`,
      );
    }
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
