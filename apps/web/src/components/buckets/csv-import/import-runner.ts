import type { ImportRecord, RowProblem } from '@bucketgrid/shared';
import { describeError, fieldErrorsOf } from '../../../lib/errors.ts';
import type { FromWorker, ImportJob, ImportSummary, ToWorker } from './import-messages.ts';

export interface ImportProgress {
  phase: 'checking' | 'writing';
  /** 0–1 of the file read in this phase. */
  fraction: number;
  rows: number;
  written: number;
}

export interface ImportCallbacks {
  /** Writes one batch (the app's tRPC import write); throws the server's refusal. */
  write: (records: ImportRecord[]) => Promise<void>;
  progress: (progress: ImportProgress) => void;
  done: (summary: ImportSummary) => void;
  failed: (message: string) => void;
}

/**
 * Runs an import: the worker parses and checks the file, this writes each batch it hands over
 * and tells it to go on. Records the server refuses (it checks them as REST does) become row
 * problems at their lines; in mode `all` such a refusal stops the import, in `skip` the
 * batch is written without them. Returns the cancel: the worker ends at once, and no batch
 * is written after it (the one in flight, if any, completes on the server).
 */
export function startImport(job: ImportJob, callbacks: ImportCallbacks): () => void {
  const worker = new Worker(new URL('./csv-import.worker.ts', import.meta.url), {
    type: 'module',
    name: 'csv-import',
  });
  let cancelled = false;
  let written = 0;
  const refused: RowProblem[] = [];
  const post = (message: ToWorker) => worker.postMessage(message);
  const end = () => {
    cancelled = true;
    worker.terminate();
  };

  const writeBatch = async (records: ImportRecord[], lines: number[]): Promise<boolean> => {
    try {
      await callbacks.write(records);
      written += records.length;
      return true;
    } catch (error) {
      const bad = refusedIndexes(error);
      if (bad.size === 0) throw error;
      for (const index of bad) {
        const reason = fieldErrorsOf(error).find((e) => recordIndex(e.path) === index)?.message;
        refused.push({ line: lines[index] ?? 0, reason: reason ?? describeError(error).message });
      }
      if (job.mode === 'all') return false;
      const keep = records.map((_, i) => i).filter((i) => !bad.has(i));
      if (keep.length === 0) return true;
      return writeBatch(
        keep.map((i) => records[i]!),
        keep.map((i) => lines[i]!),
      );
    }
  };

  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    if (cancelled) return;
    const message = event.data;
    if (message.kind === 'progress') {
      callbacks.progress({
        phase: message.phase,
        fraction: Math.min(1, message.bytes / Math.max(1, message.total)),
        rows: message.rows,
        written,
      });
    } else if (message.kind === 'batch') {
      writeBatch(message.records, message.lines).then(
        (goOn) => {
          if (cancelled) return;
          if (goOn) {
            post({ kind: 'written', lines: message.lines });
            return;
          }
          end();
          callbacks.done(summaryOf({ rows: 0, problems: [], problemCount: 0 }));
        },
        (error: unknown) => {
          if (cancelled) return;
          end();
          callbacks.failed(
            `${describeError(error).message} ${written.toLocaleString('en')} records were written before this.`,
          );
        },
      );
    } else if (message.kind === 'done') {
      end();
      callbacks.done(summaryOf(message.summary));
    } else {
      end();
      callbacks.failed(`The file could not be read: ${message.message}`);
    }
  };

  const summaryOf = (summary: Omit<ImportSummary, 'written'>): ImportSummary => {
    const problems = [...summary.problems, ...refused].sort((a, b) => a.line - b.line);
    return {
      ...summary,
      written,
      problems,
      problemCount: summary.problemCount + refused.length,
    };
  };

  worker.onerror = (event) => {
    if (cancelled) return;
    end();
    callbacks.failed(`The file could not be read: ${event.message}`);
  };
  post({ kind: 'start', job });
  return end;
}

/** `12.key` or `records.12` → 12: the record of the batch a server problem is about. */
function recordIndex(path: string): number | undefined {
  const match = /^(?:records\.)?(\d+)(?:\.|$)/.exec(path);
  return match ? Number(match[1]) : undefined;
}

function refusedIndexes(error: unknown): Set<number> {
  if (describeError(error).code !== 'invalid_records') return new Set();
  const indexes = fieldErrorsOf(error)
    .map((e) => recordIndex(e.path))
    .filter((i): i is number => i !== undefined);
  return new Set(indexes);
}
