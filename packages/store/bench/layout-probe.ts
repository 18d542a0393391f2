/**
 * `pnpm --filter @bucketgrid/store probe:layout`: the measurements behind docs/storage.md.
 *
 * Same run, same machine, raw better-sqlite3 files in WAL mode with synchronous=FULL (one
 * transaction, so one fsync, per write request), PROBE_RECORDS (1,000,000) TSV records one
 * second apart × 4 series (a random walk with two decimals, a full-precision sine, an integer
 * counter, a value that changes every ~20,000 records), in three layouts:
 *
 * - rows: today's `records` table (a row per record, series as JSON text), with today's
 *   per-write bookkeeping (the bucket row's seq and count, a dirty mark per 10 s cell);
 * - head: one row per write request (its records as JSON text), taken only when every key is
 *   newer than the bucket's last key (checked against the bucket row, no lookup per record);
 * - chunks: the head sealed into column-encoded chunks (src/chunks/codec.ts), each row with
 *   its first and last key, record count and figures (per series n, sum, min, max, last),
 *   cut either every 1,000 records or as sealing will ("aligned": whole cells of the coarsest
 *   width that keeps a chunk at most 2,048 records, src/chunks/cut.ts).
 *
 * Last, requests of 1,000 records with 10 % of their keys in the sealed history, taking turns
 * with requests all in order (the out-of-order path of docs/storage.md).
 *
 * It prints insert µs per record at batch 1, 100 and 1,000 (rows and head taking turns), bytes
 * on disk per stored value after a checkpoint, sealing cost, encode/decode µs per chunk and
 * compressed sizes, and the whole range as 1,000 points right after the import: from the rows
 * (today, before upkeep), from the unsealed head, and from the chunks. The chunk read is
 * checked against the row read. Files live in a temporary directory, removed at the end.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseInterval, type SeriesValues } from '@bucketgrid/shared';
import Database from 'better-sqlite3';
import {
  type ChunkColumns,
  type Compression,
  columnsFromRecords,
  decodeChunk,
  decodeKeys,
  type EncodedChunk,
  encodeChunk,
} from '../src/chunks/codec.ts';
import { chunkEnd } from '../src/chunks/cut.ts';
import { chunkFigures, readFigures } from '../src/chunks/figures.ts';
import { GroupFolder } from '../src/downsample/fold.ts';
import type { CellGroup } from '../src/downsample/program.ts';
import { cellStart, TIER_WIDTHS } from '../src/downsample/tiers.ts';
import { seededRandom } from '../test/seeded-random.ts';

const env = process.env;
const RECORDS = Number(env.PROBE_RECORDS ?? 1_000_000);
const BATCH1_REQUESTS = Number(env.PROBE_BATCH1_REQUESTS ?? 2_000);
const BATCH100_RECORDS = Number(env.PROBE_BATCH100_RECORDS ?? 100_000);
const ROUNDS = Number(env.PROBE_ROUNDS ?? 2);
/** PROBE_EVEN_STEP=0: no chunk records its key step, so late writes always decode keys. */
const EVEN_STEPS = env.PROBE_EVEN_STEP !== '0';
const READ_RUNS = Number(env.PROBE_READ_RUNS ?? 10);
const SERIES = 4;
const START = Date.UTC(2024, 0, 1);
const SECOND = 1_000;
const BUCKET = 1;
const CHUNK_RECORDS = 1_000;

interface ProbeRecord {
  key: number;
  values: SeriesValues;
  json: string;
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function makeRecords(count: number, firstKey: number, sineDecimals?: number): ProbeRecord[] {
  const next = seededRandom(7);
  let walk = 20;
  let counter = 0;
  let level = 1;
  return Array.from({ length: count }, (_, i) => {
    walk = Math.round((walk + (next() - 0.5) * 0.2) * 100) / 100;
    counter += Math.floor(next() * 10);
    if (next() < 1 / 20_000) level = Math.round(next() * 100);
    const sine = Math.sin(i / 600) * 100;
    const values: SeriesValues = {
      1: walk,
      2: sineDecimals === undefined ? sine : Number(sine.toFixed(sineDecimals)),
      3: counter,
      4: level,
    };
    return { key: firstKey + i * SECOND, values, json: JSON.stringify(values) };
  });
}

function open(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE buckets (rowid INTEGER PRIMARY KEY, record_count INTEGER NOT NULL,
    write_seq INTEGER NOT NULL, last_key INTEGER, last_write_at INTEGER);
    INSERT INTO buckets VALUES (${BUCKET}, 0, 0, NULL, NULL);`);
  return db;
}

/** Bytes of the file's pages in use, after a checkpoint (free pages left out), and the file. */
function bytesOnDisk(db: Database.Database, path: string): { used: number; file: number } {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return { used: (pages - free) * pageSize, file: statSync(path).size };
}

type Writer = (records: ProbeRecord[]) => void;

/** Today's layout and write path (src/sqlite/records.ts), without retention. */
function rowsLayout(db: Database.Database): Writer {
  db.exec(`CREATE TABLE records (bucket INTEGER NOT NULL, key NOT NULL, seq INTEGER NOT NULL,
      vals TEXT NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID;
    CREATE INDEX records_kv_by_seq ON records(bucket, seq) WHERE typeof(key) = 'text';
    CREATE TABLE aggregate_dirty (bucket INTEGER NOT NULL, cell INTEGER NOT NULL,
      tier INTEGER NOT NULL, marked_at INTEGER NOT NULL, PRIMARY KEY (bucket, cell, tier)) WITHOUT ROWID;`);
  const reserve = db.prepare(
    'UPDATE buckets SET write_seq = write_seq + ?, last_write_at = ? WHERE rowid = ? RETURNING write_seq',
  );
  const inserts: Database.Statement[] = [];
  for (let n = 1; n <= 128; n *= 2) {
    inserts[n] = db.prepare(
      `INSERT INTO records (bucket, key, seq, vals) VALUES ${'(?, ?, ?, ?), '.repeat(n - 1)}(?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
  }
  const mark = db.prepare(
    `INSERT INTO aggregate_dirty (bucket, cell, tier, marked_at) VALUES (?, ?, 0, ?)
     ON CONFLICT DO UPDATE SET marked_at = excluded.marked_at`,
  );
  const count = db.prepare('UPDATE buckets SET record_count = record_count + ? WHERE rowid = ?');
  const width = TIER_WIDTHS.TSV[0]!;
  return db.transaction((records: ProbeRecord[]) => {
    const { write_seq } = reserve.get(records.length, Date.now(), BUCKET) as { write_seq: number };
    let seq = write_seq - records.length + 1;
    let inserted = 0;
    for (let start = 0; start < records.length; ) {
      let size = 128;
      while (size > records.length - start) size >>= 1;
      const params: unknown[] = [];
      for (let i = start; i < start + size; i++) {
        params.push(BUCKET, records[i]!.key, seq++, records[i]!.json);
      }
      inserted += inserts[size]!.run(params).changes;
      start += size;
    }
    let previous = Number.NaN;
    const now = Date.now();
    for (const { key } of records) {
      const cell = cellStart(key, width);
      if (cell !== previous) mark.run(BUCKET, cell, now);
      previous = cell;
    }
    count.run(inserted, BUCKET);
  });
}

const HEAD_SCHEMA = `CREATE TABLE head (id INTEGER PRIMARY KEY, bucket INTEGER NOT NULL,
    first_key INTEGER NOT NULL, last_key INTEGER NOT NULL, count INTEGER NOT NULL,
    records TEXT NOT NULL);
  CREATE INDEX head_by_key ON head (bucket, first_key);`;

/** One head row per request whose keys are all newer than the bucket's last key. */
function headLayout(db: Database.Database): Writer {
  db.exec(HEAD_SCHEMA);
  return headWriter(db);
}

function headWriter(db: Database.Database): Writer {
  const advance = db.prepare(
    `UPDATE buckets SET write_seq = write_seq + 1, record_count = record_count + @count,
       last_key = @last, last_write_at = @now
     WHERE rowid = @bucket AND (last_key IS NULL OR last_key < @first)`,
  );
  const append = db.prepare(
    'INSERT INTO head (bucket, first_key, last_key, count, records) VALUES (?, ?, ?, ?, ?)',
  );
  return db.transaction((records: ProbeRecord[]) => {
    const first = records[0]!.key;
    const last = records[records.length - 1]!.key;
    for (let i = 1; i < records.length; i++) {
      if (records[i]!.key <= records[i - 1]!.key) throw new Error('probe writes in order only');
    }
    const { changes } = advance.run({
      bucket: BUCKET,
      count: records.length,
      first,
      last,
      now: Date.now(),
    });
    if (changes === 0) throw new Error('probe writes in order only');
    let text = '[';
    for (let i = 0; i < records.length; i++) {
      text += `${i === 0 ? '' : ','}[${records[i]!.key},${records[i]!.json}]`;
    }
    append.run(BUCKET, first, last, records.length, `${text}]`);
  });
}

const CHUNK_SCHEMA = `CREATE TABLE chunks (id INTEGER PRIMARY KEY, bucket INTEGER NOT NULL,
    first_key INTEGER NOT NULL, last_key INTEGER NOT NULL, count INTEGER NOT NULL,
    step INTEGER NOT NULL, keys BLOB NOT NULL, data BLOB NOT NULL, figures BLOB NOT NULL);
  CREATE UNIQUE INDEX chunks_by_key ON chunks (bucket, first_key);`;

const size = (chunk: EncodedChunk) => chunk.keys.length + chunk.data.length;

function float64Blob(numbers: readonly number[]): Buffer {
  const blob = Buffer.allocUnsafe(numbers.length * 8);
  for (let i = 0; i < numbers.length; i++) blob.writeDoubleLE(numbers[i]!, i * 8);
  return blob;
}

/** The spacing of keys[start, end) when even (a steady rate: membership is arithmetic), else 0. */
function evenStep(keys: readonly number[], start: number, end: number): number {
  if (end - start < 2 || !EVEN_STEPS) return 0;
  const step = keys[start + 1]! - keys[start]!;
  for (let i = start + 2; i < end; i++) if (keys[i]! - keys[i - 1]! !== step) return 0;
  return step;
}

/** `previous`: the last key sealed before keys[0] (none: -Infinity). */
type Cut = (keys: readonly number[], start: number, previous: number) => number;

const fixedCut: Cut = (keys, start) => Math.min(keys.length, start + CHUNK_RECORDS);

const alignedCut: Cut = (keys, start, previous) =>
  chunkEnd('TSV', keys, start, start > 0 ? keys[start - 1]! : previous);

interface SealStats {
  chunks: number;
  encodeMs: number;
  sizes: Record<Compression, number>;
}

/** Writes `records` as chunks (one transaction per 100 chunks), timing the encoding. */
function writeChunks(
  db: Database.Database,
  records: readonly { key: number; values: SeriesValues }[],
  cut: Cut,
  stats: SealStats,
  previous = Number.NEGATIVE_INFINITY,
): void {
  const insert = db.prepare(
    'INSERT INTO chunks (bucket, first_key, last_key, count, step, keys, data, figures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const keys = records.map((record) => record.key);
  const pending: unknown[][] = [];
  const flush = db.transaction(() => {
    for (const row of pending) insert.run(row);
    pending.length = 0;
  });
  for (let start = 0; start < records.length; ) {
    const end = cut(keys, start, previous);
    const t0 = cpuMs();
    const columns = columnsFromRecords(records.slice(start, end));
    const chunk = encodeChunk(columns, 'deflate');
    stats.encodeMs += cpuMs() - t0;
    stats.sizes.deflate += size(chunk);
    stats.chunks++;
    const figures = chunkFigures(columns);
    const step = evenStep(keys, start, end);
    pending.push([
      BUCKET,
      keys[start],
      keys[end - 1],
      end - start,
      step,
      chunk.keys,
      chunk.data,
      figures,
    ]);
    if (pending.length === 100) flush();
    start = end;
  }
  flush();
}

/** Whole range as `points` points from the chunks: figures where a chunk lies in one interval. */
function readChunks(db: Database.Database, from: number, to: number, points: number) {
  const interval = chooseInterval('TSV', to - from, points);
  const folder = new GroupFolder(interval);
  const rows = db
    .prepare(
      `SELECT first_key, last_key, count, keys, data, figures FROM chunks
       WHERE bucket = ? AND first_key <= ? AND last_key >= ? ORDER BY first_key`,
    )
    .raw()
    .iterate(BUCKET, to, from) as IterableIterator<
    [number, number, number, Buffer, Buffer, Buffer]
  >;
  let decoded = 0;
  for (const [first, last, count, keyBlob, data, figures] of rows) {
    if (first >= from && last <= to && cellStart(first, interval) === cellStart(last, interval)) {
      folder.addCell(first, count);
      for (const f of readFigures(figures)) {
        folder.addFigures(f.series, f.n, f.sum, f.scaled, f.min, f.max, f.last);
      }
      continue;
    }
    decoded++;
    const { keys, series, values } = decodeChunk({ keys: keyBlob, data });
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key < from || key > to) continue;
      folder.addCell(key, 1);
      for (let s = 0; s < series.length; s++) {
        const value = values[s]![i];
        if (value !== null && value !== undefined)
          folder.addFigures(series[s]!, 1, value, false, value, value, value);
      }
    }
  }
  return { groups: folder.finish(), decoded };
}

/** Today's read before upkeep: every record of the range folded from its JSON. */
function readRows(db: Database.Database, from: number, to: number, points: number) {
  const folder = new GroupFolder(chooseInterval('TSV', to - from, points));
  const rows = db
    .prepare('SELECT key, vals FROM records WHERE bucket = ? AND key >= ? AND key <= ?')
    .raw()
    .iterate(BUCKET, from, to) as IterableIterator<[number, string]>;
  for (const [key, vals] of rows) folder.addRecord(key, vals);
  return folder.finish();
}

/** The unsealed head read the same way: each request's JSON parsed whole. */
function readHead(db: Database.Database, from: number, to: number, points: number) {
  const folder = new GroupFolder(chooseInterval('TSV', to - from, points));
  const rows = db
    .prepare('SELECT records FROM head WHERE bucket = ? ORDER BY first_key')
    .pluck()
    .iterate(BUCKET) as IterableIterator<string>;
  for (const text of rows) {
    for (const [key, values] of JSON.parse(text) as [number, SeriesValues][]) {
      if (key < from || key > to) continue;
      folder.addCell(key, 1);
      for (const sk in values) {
        const value = values[sk];
        if (value !== null && value !== undefined)
          folder.addFigures(Number(sk), 1, value, false, value, value, value);
      }
    }
  }
  return folder.finish();
}

function sameGroups(actual: CellGroup[], expected: CellGroup[]): boolean {
  if (actual.length !== expected.length) return false;
  return actual.every((group, i) => {
    const other = expected[i]!;
    const close = Math.abs(group.sum - other.sum) <= 1e-9 * Math.max(1, Math.abs(other.sum));
    return (
      group.start === other.start &&
      group.series === other.series &&
      group.n === other.n &&
      group.min === other.min &&
      group.max === other.max &&
      group.last === other.last &&
      close
    );
  });
}

/** Tiers of cells kept above the chunks (today's `aggregates` table), folded from the records. */
function writeTiers(
  db: Database.Database,
  records: readonly ProbeRecord[],
  widths: readonly number[],
) {
  db.exec(`CREATE TABLE aggregates (bucket INTEGER NOT NULL, tier INTEGER NOT NULL,
    cell INTEGER NOT NULL, records INTEGER NOT NULL, figures BLOB NOT NULL,
    PRIMARY KEY (bucket, tier, cell)) WITHOUT ROWID;`);
  const insert = db.prepare('INSERT INTO aggregates VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    widths.forEach((width, tier) => {
      const folder = new GroupFolder(width);
      for (const { key, values } of records) {
        folder.addCell(key, 1);
        for (const sk in values) {
          const value = values[sk]!;
          if (value !== null) folder.addFigures(+sk, 1, value, false, value, value, value);
        }
      }
      const groups = folder.finish();
      for (let i = 0; i < groups.length; ) {
        const start = groups[i]!.start;
        const count = groups[i]!.n;
        const parts: number[] = [];
        for (i++; i < groups.length && groups[i]!.start === start; i++) {
          const g = groups[i]!;
          parts.push(g.series, g.n, g.sum, g.min, g.max, g.last);
        }
        insert.run(BUCKET, tier, start, count, float64Blob(parts));
      }
    });
  })();
}

/** A range of whole intervals from one tier's cells. */
function readTier(db: Database.Database, tier: number, from: number, to: number, points: number) {
  const folder = new GroupFolder(chooseInterval('TSV', to - from, points));
  const rows = db
    .prepare(
      'SELECT cell, records, figures FROM aggregates WHERE bucket = ? AND tier = ? AND cell >= ? AND cell <= ?',
    )
    .raw()
    .iterate(BUCKET, tier, from, to) as IterableIterator<[number, number, Buffer]>;
  for (const [cell, count, figures] of rows) {
    folder.addCell(cell, count);
    for (const f of readFigures(figures)) {
      folder.addFigures(f.series, f.n, f.sum, f.scaled, f.min, f.max, f.last);
    }
  }
  return folder.finish();
}

/**
 * The out-of-order path of docs/storage.md: records into the sealed range go to `late` rows,
 * each after one chunk lookup and a decode of that chunk's keys (once per chunk and request)
 * to tell an insert from an update; the newer records of the request take the head path.
 */
function lateWriter(db: Database.Database): (records: ProbeRecord[], newest: number) => number {
  db.exec(`CREATE TABLE late (bucket INTEGER NOT NULL, key INTEGER NOT NULL, op INTEGER NOT NULL,
    vals TEXT, PRIMARY KEY (bucket, key)) WITHOUT ROWID;`);
  const head = headWriter(db);
  const chunkOf = db.prepare(
    'SELECT id, first_key, last_key, step, keys FROM chunks WHERE bucket = ? AND first_key <= ? ORDER BY first_key DESC LIMIT 1',
  );
  const upsert = db.prepare(
    `INSERT INTO late (bucket, key, op, vals) VALUES (?, ?, 0, ?)
     ON CONFLICT DO UPDATE SET vals = json_patch(late.vals, excluded.vals)`,
  );
  return db.transaction((records: ProbeRecord[], newest: number) => {
    const keysOf = new Map<number, number[]>();
    let updated = 0;
    const fresh: ProbeRecord[] = [];
    for (const record of records) {
      if (record.key > newest) {
        fresh.push(record);
        continue;
      }
      const chunk = chunkOf.get(BUCKET, record.key) as
        | { id: number; first_key: number; last_key: number; step: number; keys: Buffer }
        | undefined;
      if (chunk !== undefined && chunk.step > 0 && record.key <= chunk.last_key) {
        if ((record.key - chunk.first_key) % chunk.step === 0) updated++;
      } else if (chunk !== undefined && record.key <= chunk.last_key) {
        let keys = keysOf.get(chunk.id);
        if (keys === undefined) {
          keys = decodeKeys(chunk.keys);
          keysOf.set(chunk.id, keys);
        }
        let low = 0;
        let high = keys.length;
        while (low < high) {
          const middle = (low + high) >> 1;
          if (keys[middle]! < record.key) low = middle + 1;
          else high = middle;
        }
        if (keys[low] === record.key) updated++;
      }
      upsert.run(BUCKET, record.key, record.json);
    }
    if (fresh.length > 0) head(fresh);
    return updated;
  });
}

function timeInserts(write: Writer, records: ProbeRecord[], batch: number) {
  const wall0 = performance.now();
  const cpu0 = cpuMs();
  for (let i = 0; i < records.length; i += batch) write(records.slice(i, i + batch));
  return {
    wallUs: ((performance.now() - wall0) * 1000) / records.length,
    cpuUs: ((cpuMs() - cpu0) * 1000) / records.length,
  };
}

/** Median wall and CPU milliseconds of `runs` reads after one warm-up: "wall / CPU ms". */
function timeReads<T>(read: () => T, runs: number): { ms: string; result: T } {
  let result = read();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    result = read();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  return { ms: `${fmt(median(wall))} / ${fmt(median(cpu))} ms`, result };
}

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-layout-probe-'));
try {
  console.log(
    `layout probe: ${fmt(RECORDS, 0)} records × ${SERIES} series; Node ${process.version}; load average ${fmt(loadavg()[0]!, 2)}`,
  );
  const records = makeRecords(RECORDS, START);
  const values = RECORDS * SERIES;

  console.log('\ninsert µs per record (wall / CPU), a transaction and fsync per request:');
  let file = 0;
  for (const [batch, total] of [
    [1, BATCH1_REQUESTS],
    [100, BATCH100_RECORDS],
  ] as const) {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, layout] of [
        ['rows', rowsLayout],
        ['head', headLayout],
      ] as const) {
        const path = join(dir, `insert-${file++}.db`);
        const db = open(path);
        const { wallUs, cpuUs } = timeInserts(layout(db), records.slice(0, total), batch);
        console.log(
          `  batch ${String(batch).padStart(5)}  ${name.padEnd(5)} round ${round}: ${fmt(wallUs, 2).padStart(8)} / ${fmt(cpuUs, 2).padStart(6)}  (${fmt(total, 0)} records)`,
        );
        db.close();
        rmSync(path);
      }
    }
  }

  const rowsPath = join(dir, 'rows.db');
  const rowsDb = open(rowsPath);
  const headPath = join(dir, 'head.db');
  const headDb = open(headPath);
  const writeRows = rowsLayout(rowsDb);
  const writeHead = headLayout(headDb);
  const imported = { rows: { wallUs: 0, cpuUs: 0 }, head: { wallUs: 0, cpuUs: 0 } };
  // The import in turns of 100,000 records, so both layouts see the same machine load.
  const TURN = 100_000;
  for (let i = 0; i < RECORDS; i += TURN) {
    const part = records.slice(i, i + TURN);
    for (const [name, write] of [
      ['rows', writeRows],
      ['head', writeHead],
    ] as const) {
      const t = timeInserts(write, part, 1_000);
      imported[name].wallUs += (t.wallUs * part.length) / RECORDS;
      imported[name].cpuUs += (t.cpuUs * part.length) / RECORDS;
    }
  }
  for (const name of ['rows', 'head'] as const) {
    console.log(
      `  batch  1000  ${name.padEnd(5)} import:  ${fmt(imported[name].wallUs, 2).padStart(8)} / ${fmt(imported[name].cpuUs, 2).padStart(6)}  (${fmt(RECORDS, 0)} records)`,
    );
  }

  const perValue = (bytes: number) => fmt(bytes / values, 2);
  const rowsBytes = bytesOnDisk(rowsDb, rowsPath);
  const headBytes = bytesOnDisk(headDb, headPath);
  console.log('\nbytes on disk per stored value (pages in use / file, after a checkpoint):');
  console.log(
    `  rows (no aggregates yet): ${perValue(rowsBytes.used)} / ${perValue(rowsBytes.file)}`,
  );
  console.log(
    `  head (unsealed):          ${perValue(headBytes.used)} / ${perValue(headBytes.file)}`,
  );

  console.log('\nwhole range as 1,000 points right after the import (median wall / CPU):');
  const rowsRead = timeReads(() => readRows(rowsDb, START, records.at(-1)!.key, 1_000), 2);
  console.log(`  rows, folded from JSON (today before upkeep): ${rowsRead.ms}`);
  const headRead = timeReads(() => readHead(headDb, START, records.at(-1)!.key, 1_000), 2);
  console.log(
    `  head, unsealed:                              ${headRead.ms}${sameGroups(headRead.result, rowsRead.result) ? '' : '  MISMATCH'}`,
  );

  // Sealing the head in place: read its rows in key order, write aligned chunks, drop them.
  headDb.exec(CHUNK_SCHEMA);
  const seal0 = performance.now();
  const sealCpu0 = cpuMs();
  const sealStats: SealStats = {
    chunks: 0,
    encodeMs: 0,
    sizes: { none: 0, deflate: 0, brotli: 0 },
  };
  const SEAL_HEAD_ROWS = 100;
  let sealedThrough = Number.NEGATIVE_INFINITY;
  for (;;) {
    const rows = headDb
      .prepare('SELECT id, records FROM head WHERE bucket = ? ORDER BY first_key LIMIT ?')
      .raw()
      .all(BUCKET, SEAL_HEAD_ROWS) as [number, string][];
    if (rows.length === 0) break;
    const batch = rows.flatMap(([, text]) =>
      (JSON.parse(text) as [number, SeriesValues][]).map(([key, values]) => ({ key, values })),
    );
    headDb.transaction(() => {
      writeChunks(headDb, batch, alignedCut, sealStats, sealedThrough);
      sealedThrough = batch.at(-1)!.key;
      const drop = headDb.prepare('DELETE FROM head WHERE id = ?');
      for (const [id] of rows) drop.run(id);
    })();
  }
  const sealWallUs = ((performance.now() - seal0) * 1000) / RECORDS;
  const sealCpuUs = ((cpuMs() - sealCpu0) * 1000) / RECORDS;
  const sealedBytes = bytesOnDisk(headDb, headPath);

  const fixedPath = join(dir, 'fixed.db');
  const fixedDb = open(fixedPath);
  fixedDb.exec(CHUNK_SCHEMA);
  const fixedStats: SealStats = {
    chunks: 0,
    encodeMs: 0,
    sizes: { none: 0, deflate: 0, brotli: 0 },
  };
  writeChunks(fixedDb, records, fixedCut, fixedStats);
  const fixedBytes = bytesOnDisk(fixedDb, fixedPath);

  const alignedRead = timeReads(
    () => readChunks(headDb, START, records.at(-1)!.key, 1_000),
    READ_RUNS,
  );
  const fixedRead = timeReads(
    () => readChunks(fixedDb, START, records.at(-1)!.key, 1_000),
    READ_RUNS,
  );
  const check = (groups: CellGroup[]) =>
    sameGroups(groups, rowsRead.result) ? 'same figures as the rows' : 'MISMATCH';
  console.log(
    `  chunks, aligned (${fmt(sealStats.chunks, 0)} chunks of ${fmt(RECORDS / sealStats.chunks, 0)} records): ${alignedRead.ms}, ${alignedRead.result.decoded} decoded, ${check(alignedRead.result.groups)}`,
  );
  console.log(
    `  chunks, 1,000 records (${fmt(fixedStats.chunks, 0)} chunks): ${fixedRead.ms}, ${fixedRead.result.decoded} decoded, ${check(fixedRead.result.groups)}`,
  );

  // Last 24 h in whole 2-minute intervals (what 1,000 points of a day come to).
  const twoMinutes = 2 * 60 * SECOND;
  const dayTo = cellStart(records.at(-1)!.key, twoMinutes) - 1;
  const dayFrom = cellStart(dayTo - 24 * 3_600_000, twoMinutes);
  const dayRows = timeReads(() => readRows(rowsDb, dayFrom, dayTo, 1_000), 2);
  const dayChunks = timeReads(() => readChunks(headDb, dayFrom, dayTo, 1_000), READ_RUNS);
  const beforeTiers = bytesOnDisk(headDb, headPath).used;
  const tierWidths = TIER_WIDTHS.TSV.slice(1);
  writeTiers(headDb, records, tierWidths);
  const tierBytes = bytesOnDisk(headDb, headPath).used - beforeTiers;
  const dayTier = timeReads(() => readTier(headDb, 0, dayFrom, dayTo, 1_000), READ_RUNS);
  console.log('\nlast 24 h as 1,000 points (2-minute intervals, median wall / CPU):');
  console.log(`  rows, folded from JSON (today before upkeep): ${dayRows.ms}`);
  console.log(
    `  aligned chunks, decoded: ${dayChunks.ms}, ${dayChunks.result.decoded} decoded, ${sameGroups(dayChunks.result.groups, dayRows.result) ? 'same figures' : 'MISMATCH'}`,
  );
  console.log(
    `  1-minute cells above the chunks: ${dayTier.ms}, ${sameGroups(dayTier.result, dayRows.result) ? 'same figures' : 'MISMATCH'}`,
  );
  console.log(
    `  tiers of 1 min, 5 min, 1 h, 1 d, 5 d cost ${perValue(tierBytes)} bytes per stored value`,
  );

  console.log('\nsealing the head into aligned chunks, in place (read, encode, insert, delete):');
  console.log(
    `  ${fmt(sealWallUs, 2)} µs per record wall, ${fmt(sealCpuUs, 2)} CPU; encoding alone (CPU) ${fmt((sealStats.encodeMs * 1000) / RECORDS, 2)} µs per record`,
  );
  console.log(
    '\nbytes on disk per stored value, chunks (pages in use / file, after a checkpoint):',
  );
  console.log(
    `  aligned, sealed in place: ${perValue(sealedBytes.used)} / ${perValue(sealedBytes.file)} (the file keeps the head's free pages); the blobs alone ${perValue(sealStats.sizes.deflate)}`,
  );
  console.log(
    `  1,000 records, written once: ${perValue(fixedBytes.used)} / ${perValue(fixedBytes.file)}`,
  );

  console.log(
    '\nencode / decode CPU µs per chunk of 1,000 records, and bytes per value of the blobs:',
  );
  const sample: ChunkColumns[] = [];
  for (let start = 0; start + CHUNK_RECORDS <= RECORDS && sample.length < 200; start += 5_000) {
    sample.push(columnsFromRecords(records.slice(start, start + CHUNK_RECORDS)));
  }
  const blobValues = sample.length * CHUNK_RECORDS * SERIES;
  for (const compression of ['none', 'deflate', 'brotli'] as const) {
    const e0 = cpuMs();
    const blobs = sample.map((columns) => encodeChunk(columns, compression));
    const encodeUs = ((cpuMs() - e0) * 1000) / sample.length;
    const d0 = cpuMs();
    for (const blob of blobs) decodeChunk(blob);
    const decodeUs = ((cpuMs() - d0) * 1000) / sample.length;
    const bytes = blobs.reduce((sum, blob) => sum + size(blob), 0);
    console.log(
      `  ${compression.padEnd(8)} encode ${fmt(encodeUs, 0).padStart(6)} µs  decode ${fmt(decodeUs, 0).padStart(6)} µs  ${fmt(bytes / blobValues, 2)} B/value`,
    );
  }
  console.log('  per series (deflate), bytes per value:');
  const names = [
    'random walk, 2 decimals',
    'sine, full float64',
    'integer counter',
    'mostly constant',
  ];
  for (let s = 0; s < SERIES; s++) {
    const bytes = sample.reduce(
      (sum, columns) =>
        sum +
        encodeChunk(
          { keys: columns.keys, series: [columns.series[s]!], values: [columns.values[s]!] },
          'deflate',
        ).data.length,
      0,
    );
    const keysOnly = sample.reduce(
      (sum, columns) =>
        sum + encodeChunk({ keys: columns.keys, series: [], values: [] }, 'deflate').data.length,
      0,
    );
    console.log(
      `    ${names[s]!.padEnd(24)} ${fmt((bytes - keysOnly) / (sample.length * CHUNK_RECORDS), 2)}`,
    );
  }
  const rounded = makeRecords(CHUNK_RECORDS * 50, START, 3);
  let roundedBytes = 0;
  for (let start = 0; start < rounded.length; start += CHUNK_RECORDS) {
    roundedBytes += size(
      encodeChunk(columnsFromRecords(rounded.slice(start, start + CHUNK_RECORDS))),
    );
  }
  console.log(
    `  all four with the sine at 3 decimals (deflate): ${fmt(roundedBytes / (rounded.length * SERIES), 2)} B/value`,
  );

  // Out of order: requests of 1,000 records, 10 % of them keys spread at random over the
  // sealed history (half existing, half new), taking turns with requests all in order.
  const late = lateWriter(headDb);
  const inOrder = headWriter(headDb);
  const shuffle = seededRandom(11);
  let newest = records.at(-1)!.key;
  const timing = { late: 0, inOrder: 0, records: 0 };
  for (let turn = 0; turn < 10; turn++) {
    for (const kind of ['late', 'inOrder'] as const) {
      const batches = Array.from({ length: 10 }, (_, request) => {
        const batch = makeRecords(1_000, newest + (request * 1_000 + 1) * SECOND);
        if (kind === 'late') {
          for (let i = 0; i < 100; i++) {
            const old = records[Math.floor(shuffle() * records.length)]!;
            batch[i * 10] = { ...batch[i * 10]!, key: old.key + (i % 2 === 0 ? 0 : 500) };
          }
        }
        return batch;
      });
      const c0 = cpuMs();
      for (const batch of batches) {
        if (kind === 'late') late(batch, newest);
        else inOrder(batch);
        newest = batch.at(-1)!.key;
      }
      timing[kind] += cpuMs() - c0;
    }
    timing.records += 10_000;
  }
  console.log('\nout of order: 1,000 records a request, 10 % of them into sealed history (CPU):');
  console.log(
    `  in order ${fmt((timing.inOrder * 1000) / timing.records, 2)} µs per record, 10 % late ${fmt((timing.late * 1000) / timing.records, 2)} µs per record: ${fmt(timing.inOrder / timing.late, 2)} × the in-order throughput`,
  );
  console.log(`\nload average at the end: ${fmt(loadavg()[0]!, 2)}`);
  rowsDb.close();
  headDb.close();
  fixedDb.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
