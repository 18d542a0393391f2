/// <reference lib="webworker" />
import {
  IMPORT_BATCH_RECORDS,
  type ImportRecord,
  isBlankRow,
  linesOfRow,
  MAX_IMPORT_PROBLEMS,
  type RowProblem,
  recordOfRow,
} from '@bucketgrid/shared';
import Papa from 'papaparse';
import type { FromWorker, ImportJob, ToWorker } from './import-messages.ts';

/**
 * The CSV import's parser, off the page's thread: streams the file through papaparse a chunk
 * at a time, turns rows into records (or problems with their line), and hands batches to the
 * page, pausing until each is written, so memory holds one chunk and one batch whatever the
 * file's size. In mode `all` the file is read twice: a check of every row, then (only if none
 * failed) the writes.
 */

declare const self: DedicatedWorkerGlobalScope;

/** A batch stays well under the 1 MiB a tRPC request may carry. */
const BATCH_JSON_BYTES = 768 * 1024;
const CHUNK_BYTES = 1024 * 1024;

let written: (() => void) | undefined;

function send(message: FromWorker): void {
  self.postMessage(message);
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.kind === 'written') {
    written?.();
    written = undefined;
    return;
  }
  run(message.job).catch((error: unknown) =>
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
};

async function run(job: ImportJob): Promise<void> {
  if (job.mode === 'all') {
    const checked = await pass(job, false);
    if (checked.problemCount > 0) {
      send({ kind: 'done', summary: checked });
      return;
    }
  }
  send({ kind: 'done', summary: await pass(job, true) });
}

/** One read of the file: every row checked; with `write`, the good ones sent in batches. */
function pass(job: ImportJob, write: boolean) {
  const problems: RowProblem[] = [];
  let problemCount = 0;
  let rows = 0;
  let line = 1;
  let header = true;
  let batch: ImportRecord[] = [];
  let lines: number[] = [];
  let batchBytes = 0;

  /** Sends the batch and waits until the page has written it. */
  const flush = () =>
    new Promise<void>((resolve) => {
      written = resolve;
      send({ kind: 'batch', records: batch, lines });
      batch = [];
      lines = [];
      batchBytes = 0;
    });

  return new Promise<{ rows: number; problems: RowProblem[]; problemCount: number }>(
    (resolve, reject) => {
      Papa.parse<string[]>(job.file, {
        chunkSize: CHUNK_BYTES,
        skipEmptyLines: false,
        chunk: (results, parser) => {
          parser.pause();
          const work = async () => {
            for (const row of results.data) {
              const at = line;
              line += linesOfRow(row);
              if (header) {
                header = false;
                continue;
              }
              if (isBlankRow(row)) continue;
              rows++;
              const outcome = recordOfRow(row, job.mapping, job.bucketType);
              if ('problem' in outcome) {
                problemCount++;
                if (problems.length < MAX_IMPORT_PROBLEMS) {
                  problems.push({ line: at, reason: outcome.problem });
                }
                continue;
              }
              if (!write) continue;
              batch.push(outcome.record);
              lines.push(at);
              batchBytes += JSON.stringify(outcome.record).length + 1;
              if (batch.length >= IMPORT_BATCH_RECORDS || batchBytes >= BATCH_JSON_BYTES) {
                await flush();
              }
            }
            send({
              kind: 'progress',
              phase: write ? 'writing' : 'checking',
              bytes: results.meta.cursor,
              total: job.file.size,
              rows,
            });
          };
          work().then(
            () => parser.resume(),
            (error: unknown) => {
              parser.abort();
              reject(error);
            },
          );
        },
        complete: () => {
          const finish = async () => {
            if (batch.length > 0) await flush();
            return { rows, problems, problemCount };
          };
          finish().then(resolve, reject);
        },
        error: (error) => reject(error),
      });
    },
  );
}
