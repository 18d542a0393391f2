import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { CLI_AUTHOR, setBucketSeries, writeRecords } from '@bucketgrid/services';
import {
  AppError,
  IMPORT_BATCH_RECORDS,
  type ImportMapping,
  type ImportRecord,
  type ImportTimeFormat,
  isBlankRow,
  linesOfRow,
  MAX_IMPORT_PROBLEMS,
  mappingProblem,
  newSeriesOf,
  parseRecordBatch,
  type RowProblem,
  recordOfRow,
  suggestMapping,
} from '@bucketgrid/shared';
import type { Bucket, Store } from '@bucketgrid/store';
import Papa from 'papaparse';

/**
 * `bucketgrid bucket import`: a CSV file into a bucket, as the web app imports one (the same
 * row rules, packages/shared/src/csv-import.ts), streamed: rows are parsed as the file is
 * read and written IMPORT_BATCH_RECORDS at a time through the store, so a file of any size
 * takes one batch of memory. With `--bad-rows all` (the default) the file is checked whole
 * first and nothing is written if a row fails; with `skip` failing rows are left out. Series
 * the import creates are named after their columns, as the web app offers.
 */

export interface CsvImportOptions {
  file: string;
  keyColumn: string;
  /** `name=sk,name=sk`: only these columns, to these series (default: every other column). */
  series?: string;
  timeFormat?: string;
  badRows?: string;
}

export interface CsvImportReport {
  rows: number;
  written: number;
  problemCount: number;
  problems: RowProblem[];
  /** Series the import created, named after their columns. */
  newSeries: { sk: number; name: string; unit: string }[];
}

export async function importCsv(
  store: Store,
  bucket: Bucket,
  options: CsvImportOptions,
): Promise<CsvImportReport> {
  const badRows = options.badRows ?? 'all';
  if (badRows !== 'all' && badRows !== 'skip') {
    throw new AppError('invalid_input', '--bad-rows is all (the default) or skip');
  }
  // A stream's open error would not reach the parser piped after it: check the file first.
  await access(options.file, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
    throw new AppError('invalid_input', `cannot read ${options.file} (${error.code})`);
  });
  const header = await readHeader(options.file);
  const mapping = mappingOf(header, bucket, options);
  if (badRows === 'all') {
    const checked = await pass(options.file, mapping, bucket, null);
    if (checked.problemCount > 0) {
      const listed = checked.problems
        .slice(0, 20)
        .map((p) => `line ${p.line}: ${p.reason}`)
        .join('; ');
      throw new AppError(
        'invalid_records',
        `${checked.problemCount} of ${checked.rows} rows fail, so nothing was written (--bad-rows skip writes the rest): ${listed}`,
        { errors: checked.problems.map((p) => ({ pointer: `/${p.line}`, detail: p.reason })) },
      );
    }
  }
  const report = await pass(options.file, mapping, bucket, store);
  const created = report.written > 0 ? newSeriesOf(header, mapping, bucket.series) : [];
  if (created.length > 0) {
    await setBucketSeries(store, bucket, [...bucket.series, ...created], CLI_AUTHOR);
  }
  return { ...report, newSeries: created.map(({ sk, name, unit }) => ({ sk, name, unit })) };
}

function mappingOf(header: string[], bucket: Bucket, options: CsvImportOptions): ImportMapping {
  const columnOf = (name: string) => {
    const column = header.findIndex((cell) => cell.trim() === name.trim());
    if (column === -1) {
      throw new AppError(
        'invalid_input',
        `the file has no column "${name}"; its columns: ${header.join(', ')}`,
      );
    }
    return column;
  };
  const suggested = suggestMapping(header, bucket.series, columnOf(options.keyColumn));
  const series = options.series
    ? options.series.split(',').map((pair) => {
        const [name = '', sk = ''] = pair.split('=');
        if (!/^\d+$/.test(sk.trim())) {
          throw new AppError('invalid_input', `--series takes name=series_key pairs: "${pair}"`);
        }
        return { column: columnOf(name), sk: Number(sk) };
      })
    : suggested.series;
  const mapping = {
    keyColumn: suggested.keyColumn,
    series,
    timeFormat: timeFormatOf(options.timeFormat),
  };
  const problem = mappingProblem(mapping, header.length);
  if (problem) throw new AppError('invalid_input', problem);
  return mapping;
}

function timeFormatOf(text: string | undefined): ImportTimeFormat {
  if (text === undefined || text === 'iso') return { kind: 'iso' };
  if (text === 'unix_s' || text === 'unix_ms') return { kind: text };
  return { kind: 'pattern', pattern: text };
}

function rowsOf(file: string): AsyncIterable<string[]> {
  const rows = createReadStream(file).pipe(Papa.parse(Papa.NODE_STREAM_INPUT, {}));
  return rows as AsyncIterable<string[]>;
}

async function readHeader(file: string): Promise<string[]> {
  for await (const row of rowsOf(file)) return row;
  throw new AppError('invalid_input', `${file} is empty`);
}

/** One read of the file: every row checked; with a store, the good ones written in batches. */
async function pass(
  file: string,
  mapping: ImportMapping,
  bucket: Bucket,
  store: Store | null,
): Promise<Omit<CsvImportReport, 'newSeries'>> {
  const report = { rows: 0, written: 0, problemCount: 0, problems: [] as RowProblem[] };
  let batch: ImportRecord[] = [];
  const flush = async () => {
    if (!store || batch.length === 0) return;
    const records = parseRecordBatch(batch, bucket.type);
    await writeRecords(store, bucket, records, 'merge');
    report.written += records.length;
    batch = [];
  };
  let line = 1;
  let header = true;
  for await (const row of rowsOf(file)) {
    const at = line;
    line += linesOfRow(row);
    if (header) {
      header = false;
      continue;
    }
    if (isBlankRow(row)) continue;
    report.rows++;
    const outcome = recordOfRow(row, mapping, bucket.type);
    if ('problem' in outcome) {
      report.problemCount++;
      if (report.problems.length < MAX_IMPORT_PROBLEMS) {
        report.problems.push({ line: at, reason: outcome.problem });
      }
      continue;
    }
    if (!store) continue;
    batch.push(outcome.record);
    if (batch.length >= IMPORT_BATCH_RECORDS) await flush();
  }
  await flush();
  return report;
}
