import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CLI_AUTHOR,
  createBucket,
  createDashboard,
  createUser,
  setBucketSeries,
} from '@bucketgrid/services';
import { openStore, type Store } from '@bucketgrid/store';
import { afterAll, beforeAll, expect, it } from 'vitest';

/** `bucketgrid bucket import`, the real CLI process on a real SQLite file. */

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-cli-import-'));
const databaseUrl = `file:${join(dir, 'cli.db')}`;
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let store: Store;
let dashboardId: string;

beforeAll(async () => {
  store = await openStore(databaseUrl);
  const owner = await createUser(store, {
    email: 'importer@example.com',
    password: 'a long password',
    name: 'Importer',
  });
  dashboardId = (await createDashboard(store, { ownerId: owner.id, name: 'Imports' })).id;
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', main, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { code: 0, out: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, out: JSON.parse(failed.stderr) };
  }
}

function csvFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

it('imports 12,000 rows in batches, series matched by name, and reports a bad row by line', async () => {
  const bucket = await createBucket(
    store,
    { dashboardId, name: 'Boiler', type: 'TSV' },
    CLI_AUTHOR,
  );
  await setBucketSeries(
    store,
    bucket,
    [{ sk: 5, name: 'Temperature', unit: '°C', color: null, decimals: null }],
    CLI_AUTHOR,
  );
  const t0 = Date.UTC(2025, 9, 20);
  const lines = ['note,when,temperature'];
  for (let i = 0; i < 12_000; i++) {
    // A quoted cell with a line break: the lines after it still count right.
    const note = i === 10 ? '"two\nlines"' : 'ok';
    const temperature = i === 9_000 ? 'hot' : String(50 + (i % 10));
    lines.push(`${note},${(t0 + i * 60_000) / 1000},${temperature}`);
  }
  const file = csvFile('boiler.csv', `${lines.join('\r\n')}\r\n`);
  const args = ['bucket', 'import', '--bucket', bucket.id, '--file', file, '--key-column', 'when'];
  const series = ['--series', 'temperature=5', '--time-format', 'unix_s'];

  // Every row or none: the bad row's line (header 1, row 0 on line 2, one extra line at row 10).
  const refused = await cli(...args, ...series);
  expect(refused.code).toBe(1);
  expect(refused.out.error).toBe('invalid_records');
  expect(refused.out.message).toContain('1 of 12000 rows fail, so nothing was written');
  expect(refused.out.message).toContain('line 9003: column 3: "hot" is not a number');
  expect((await store.getBucket(bucket.id))?.recordCount).toBe(0);

  const done = await cli(...args, ...series, '--bad-rows', 'skip');
  expect(done).toEqual({
    code: 0,
    out: {
      bucket: bucket.id,
      rows: 12_000,
      written: 11_999,
      problemCount: 1,
      problems: [{ line: 9003, reason: 'column 3: "hot" is not a number' }],
      newSeries: [],
    },
  });
  const imported = (await store.getBucket(bucket.id))!;
  expect(imported.recordCount).toBe(11_999);
  const first = await store.readRecords(imported, { order: 'asc', limit: 2 });
  expect(first.records.map((r) => [r.key, r.values])).toEqual([
    [t0, { 5: 50 }],
    [t0 + 60_000, { 5: 51 }],
  ]);
});

it('refuses what it cannot import with a message that says what to fix', async () => {
  const bucket = await createBucket(
    store,
    { dashboardId, name: 'Counter', type: 'IV' },
    CLI_AUTHOR,
  );
  const file = csvFile('counter.csv', 'n,value\n1,2\n');
  const base = ['bucket', 'import', '--bucket', bucket.id, '--file', file];
  expect((await cli(...base, '--key-column', 'key')).out).toEqual({
    error: 'invalid_input',
    message: 'the file has no column "key"; its columns: n, value',
  });
  expect((await cli(...base, '--key-column', 'n', '--bad-rows', 'some')).out.error).toBe(
    'invalid_input',
  );
  const missing = await cli(...base.slice(0, 5), join(dir, 'nope.csv'), '--key-column', 'n');
  expect(missing.out).toEqual({
    error: 'invalid_input',
    message: `cannot read ${join(dir, 'nope.csv')} (ENOENT)`,
  });
  // The value column becomes a new series, named after it.
  expect(await cli(...base, '--key-column', 'n')).toMatchObject({
    code: 0,
    out: { rows: 1, written: 1, problemCount: 0, newSeries: [{ sk: 1, name: 'value', unit: '' }] },
  });
  expect((await store.getBucket(bucket.id))?.series).toEqual([
    { sk: 1, name: 'value', unit: '', color: null, decimals: null },
  ]);
});
