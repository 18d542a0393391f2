import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataRecord } from '@bucketgrid/shared';
import { openStore } from '../src/open-store.ts';

const START = Date.UTC(2024, 0, 1);
function recordAt(i: number): DataRecord {
  const key = START + i * 1000;
  const v = Math.sin(i / 500) * 100 + (i % 17);
  return { key, values: { 1: v, 2: v / 3, 3: i % 2 === 0 ? null : -v, 4: i % 1000 } };
}
const dir = process.env.KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'prof-'));
const store = await openStore(`file:${join(dir, 'bench.db')}`, { readerThreads: 0 });
const user = await store.createUser({
  email: 'b@e.com',
  name: 'B',
  workspace: 'b',
  passwordHash: 'x',
});
const dashboard = await store.createDashboard({
  ownerId: user.id,
  workspace: 'b',
  slug: 'b',
  name: 'B',
  retention: 1_000_000,
});
const created = await store.createBucket({ dashboardId: dashboard.id, name: 'b', type: 'TSV' });
for (let i = 0; i < 1_000_000; i += 10_000) {
  await store.upsertRecords(
    created,
    Array.from({ length: 10_000 }, (_, j) => recordAt(i + j)),
    'merge',
  );
}
const bucket = (await store.getBucket(created.id))!;
const times: number[] = [];
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
for (let r = 0; r < 30; r++) {
  const c0 = process.cpuUsage();
  await store.downsampleRecords(bucket, { points: 1000 });
  const u = process.cpuUsage(c0);
  times.push((u.user + u.system) / 1000);
}
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/s15/read.cpuprofile', JSON.stringify(profile));
console.log('cpu ms', times.map((t) => t.toFixed(1)).join(' '));
await store.close();
if (!process.env.KEEP_DIR) rmSync(dir, { recursive: true, force: true });
