import type { BucketType, ImportMapping, ImportRecord, RowProblem } from '@bucketgrid/shared';

/**
 * What the import's worker and the page say to each other. The worker parses the file and
 * checks every row; the page writes the batches it hands over (one at a time: the worker
 * waits for each to be written before it parses on) and can end it at any moment.
 */

/**
 * `all`: nothing is written unless every row is good (the file is checked whole first).
 * `skip`: bad rows are reported and left out, the rest written.
 */
export type ImportMode = 'all' | 'skip';

export interface ImportJob {
  file: File;
  mapping: ImportMapping;
  bucketType: BucketType;
  mode: ImportMode;
}

export type ToWorker = { kind: 'start'; job: ImportJob } | { kind: 'written'; lines: number[] };

export interface ImportSummary {
  /** Data rows in the file (blank lines aside). */
  rows: number;
  /** Records written. */
  written: number;
  /** Row problems, at most MAX_IMPORT_PROBLEMS; `problemCount` counts them all. */
  problems: RowProblem[];
  problemCount: number;
}

export type FromWorker =
  | { kind: 'progress'; phase: 'checking' | 'writing'; bytes: number; total: number; rows: number }
  /** Records to write, each with the line it came from; answer `written` when done. */
  | { kind: 'batch'; records: ImportRecord[]; lines: number[] }
  | { kind: 'done'; summary: Omit<ImportSummary, 'written'> }
  | { kind: 'failed'; message: string };
