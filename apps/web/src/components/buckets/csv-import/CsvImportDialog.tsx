import {
  describeTimeFormat,
  type ImportMapping,
  type ImportTimeFormat,
  MAX_IMPORT_FILE_BYTES,
  mappingProblem,
  newSeriesOf,
  type SeriesMeta,
  seriesName,
  suggestMapping,
} from '@bucketgrid/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../../lib/errors.ts';
import { dashboardKeys } from '../../../lib/query-keys.ts';
import { type Bucket, trpc } from '../../../lib/trpc.ts';
import { RadioGroup } from '../../RadioGroup.tsx';
import styles from './CsvImport.module.css';
import { type CsvPreview, previewCsv } from './csv-preview.ts';
import type { ImportMode, ImportSummary } from './import-messages.ts';
import { type ImportProgress, startImport } from './import-runner.ts';

type Step =
  | { kind: 'choose'; error?: string }
  | { kind: 'map'; file: File; preview: CsvPreview }
  | { kind: 'running'; file: File; progress: ImportProgress | null }
  | { kind: 'done'; file: File; summary: ImportSummary; note?: string }
  | { kind: 'failed'; file: File; message: string };

const TIME_FORMATS: { value: ImportTimeFormat['kind']; label: string }[] = [
  { value: 'iso', label: 'ISO 8601' },
  { value: 'unix_s', label: 'Unix seconds' },
  { value: 'unix_ms', label: 'Unix milliseconds' },
  { value: 'pattern', label: 'A pattern' },
];

const MiB = 1024 * 1024;

/**
 * CSV import into a bucket: choose or drop a file, check its first rows and how its columns
 * map to the key and to series, then import it in batches with progress and Cancel. The file
 * is parsed by a worker (import-runner.ts); rows that fail are listed by line.
 */
export function CsvImportDialog({ bucket, onClose }: { bucket: Bucket; onClose: () => void }) {
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [mapping, setMapping] = useState<ImportMapping | null>(null);
  const [pattern, setPattern] = useState('YYYY-MM-DD HH:mm:ss');
  const [mode, setMode] = useState<ImportMode>('all');
  const [nameSeries, setNameSeries] = useState(true);
  const cancel = useRef<(() => void) | null>(null);
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();

  // Leaving the dialog ends an import still running.
  useEffect(() => () => cancel.current?.(), []);

  const choose = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_IMPORT_FILE_BYTES) {
      setStep({
        kind: 'choose',
        error: `${file.name} is ${(file.size / MiB).toFixed(1)} MB; a file is at most ${MAX_IMPORT_FILE_BYTES / MiB} MB here (the CLI imports any size).`,
      });
      return;
    }
    try {
      const preview = await previewCsv(file);
      setMapping(suggestMapping(preview.header, bucket.series));
      setStep({ kind: 'map', file, preview });
    } catch (error) {
      setStep({ kind: 'choose', error: (error as Error).message });
    }
  };

  /** Describes the series the import created, named after their columns (SeriesForm's list). */
  const describe = async (named: SeriesMeta[]): Promise<string | undefined> => {
    try {
      await utils.client.buckets.setSeries.mutate({
        dashboardId: bucket.dashboardId,
        bucketId: bucket.id,
        series: [...bucket.series, ...named],
      });
      return undefined;
    } catch (error) {
      return `The records were written, but the new series could not be named: ${describeError(error).message}`;
    }
  };

  const run = (file: File, chosen: ImportMapping, named: SeriesMeta[]) => {
    setStep({ kind: 'running', file, progress: null });
    cancel.current = startImport(
      { file, mapping: chosen, bucketType: bucket.type, mode },
      {
        write: async (records) => {
          await utils.client.bucketImport.write.mutate({
            dashboardId: bucket.dashboardId,
            bucketId: bucket.id,
            records,
          });
        },
        progress: (progress) => setStep({ kind: 'running', file, progress }),
        done: async (summary) => {
          cancel.current = null;
          const note = summary.written > 0 && named.length > 0 ? await describe(named) : undefined;
          setStep({ kind: 'done', file, summary, note });
          if (summary.written > 0) {
            void utils.buckets.invalidate();
            void queryClient.invalidateQueries({
              queryKey: dashboardKeys.bucket(bucket.dashboardId, bucket.id),
            });
          }
        },
        failed: (message) => {
          cancel.current = null;
          setStep({ kind: 'failed', file, message });
        },
      },
    );
  };

  if (step.kind === 'choose') return <ChooseFile error={step.error} onFile={choose} />;

  if (step.kind === 'map' && mapping) {
    const timeFormat: ImportTimeFormat =
      mapping.timeFormat.kind === 'pattern' ? { kind: 'pattern', pattern } : mapping.timeFormat;
    const chosen = { ...mapping, timeFormat };
    const problem = mappingProblem(chosen, step.preview.header.length);
    const created = newSeriesOf(step.preview.header, chosen, bucket.series);
    return (
      <form
        className="stack"
        aria-label="Import preview"
        onSubmit={(event) => {
          event.preventDefault();
          if (!problem) run(step.file, chosen, nameSeries ? created : []);
        }}
      >
        <p>
          <strong>{step.file.name}</strong> ({(step.file.size / MiB).toFixed(2)} MB): its first
          rows.
        </p>
        <div className={`table-wrap ${styles.previewWrap}`}>
          <table className="table table-compact" aria-label="First rows of the file">
            <thead>
              <tr>
                {step.preview.header.map((name, i) => (
                  <th key={i}>{name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {step.preview.rows.map((row, r) => (
                <tr key={r}>
                  {step.preview.header.map((_, i) => (
                    <td key={i} className="mono">
                      {row[i] ?? ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <MappingFields
          bucket={bucket}
          header={step.preview.header}
          mapping={mapping}
          onChange={setMapping}
        />
        {bucket.type === 'TSV' && (
          <div className="row">
            <div className="field">
              <label htmlFor="csv-time-format">Time format of the key column</label>
              <select
                id="csv-time-format"
                value={mapping.timeFormat.kind}
                onChange={(event) => {
                  const kind = event.target.value as ImportTimeFormat['kind'];
                  setMapping({
                    ...mapping,
                    timeFormat: kind === 'pattern' ? { kind, pattern } : { kind },
                  });
                }}
              >
                {TIME_FORMATS.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
            </div>
            {mapping.timeFormat.kind === 'pattern' && (
              <div className="field">
                <label htmlFor="csv-time-pattern">Pattern (UTC)</label>
                <input
                  id="csv-time-pattern"
                  className="mono"
                  value={pattern}
                  onChange={(event) => setPattern(event.target.value)}
                  aria-describedby="csv-time-pattern-hint"
                />
                <p id="csv-time-pattern-hint" className="field-hint">
                  YYYY MM DD HH mm ss SSS, the rest as written: DD.MM.YYYY HH:mm
                </p>
              </div>
            )}
          </div>
        )}
        {bucket.type === 'TSV' && (
          <p className="muted">Keys are read as {describeTimeFormat(timeFormat)}.</p>
        )}
        {created.length > 0 && (
          <label className="choice">
            <input
              type="checkbox"
              checked={nameSeries}
              onChange={(event) => setNameSeries(event.target.checked)}
            />
            <span>
              Name the new series after their columns:{' '}
              {created.map((meta) => `${meta.sk} ${meta.name}`).join(', ')}
            </span>
          </label>
        )}
        <RadioGroup
          legend="Rows that fail"
          name="csv-import-mode"
          value={mode}
          onChange={setMode}
          choices={[
            {
              value: 'all',
              label: 'Write nothing if any row fails',
              detail: 'The whole file is checked first.',
            },
            { value: 'skip', label: 'Skip rows that fail, write the rest' },
          ]}
        />
        {problem && (
          <p className="form-error" role="alert">
            To import, {problem}.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={problem !== null}>
            Import
          </button>
          <button type="button" className="btn" onClick={() => setStep({ kind: 'choose' })}>
            Another file
          </button>
        </div>
      </form>
    );
  }

  if (step.kind === 'running') {
    const progress = step.progress;
    const label =
      progress?.phase === 'checking'
        ? `Checking rows: ${progress.rows.toLocaleString('en')}`
        : `Writing: ${(progress?.written ?? 0).toLocaleString('en')} records`;
    return (
      <section className="stack" aria-label="Import progress">
        <p aria-live="polite">{progress ? label : `Reading ${step.file.name}…`}</p>
        <progress
          className={styles.progress}
          max={1}
          value={progress?.fraction ?? 0}
          aria-label="Import progress"
        />
        <div className="actions">
          <button
            type="button"
            className="btn"
            onClick={() => {
              cancel.current?.();
              cancel.current = null;
              setStep({ kind: 'failed', file: step.file, message: cancelledMessage(progress) });
            }}
          >
            Cancel
          </button>
        </div>
      </section>
    );
  }

  if (step.kind === 'failed') {
    return (
      <div className="stack">
        <p role="alert">{step.message}</p>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    );
  }

  if (step.kind === 'done') {
    return <ImportResult summary={step.summary} note={step.note} mode={mode} onClose={onClose} />;
  }
  return null;
}

function cancelledMessage(progress: ImportProgress | null): string {
  const written = progress?.written ?? 0;
  return written === 0
    ? 'Import cancelled: nothing was written.'
    : `Import cancelled after ${written.toLocaleString('en')} records were written (they stay; an import run again writes the same records over them).`;
}

function ChooseFile({
  error,
  onFile,
}: {
  error?: string;
  onFile: (file: File | undefined) => void;
}) {
  const [over, setOver] = useState(false);
  return (
    <div className="stack">
      <label
        className={over ? `${styles.drop} ${styles.dropActive}` : styles.drop}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          onFile(event.dataTransfer.files[0]);
        }}
      >
        <span>Drop a CSV file here, or choose one (up to {MAX_IMPORT_FILE_BYTES / MiB} MB).</span>
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file"
          onChange={(event) => onFile(event.target.files?.[0])}
        />
      </label>
      <p className="muted">
        The first row names the columns. A column becomes the key; the others go to series (matched
        by their names).
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function MappingFields({
  bucket,
  header,
  mapping,
  onChange,
}: {
  bucket: Bucket;
  header: string[];
  mapping: ImportMapping;
  onChange: (mapping: ImportMapping) => void;
}) {
  const roleOf = (column: number) =>
    column === mapping.keyColumn
      ? 'key'
      : mapping.series.some((s) => s.column === column)
        ? 'series'
        : 'skip';
  const setRole = (column: number, role: string) => {
    const series = mapping.series.filter((s) => s.column !== column);
    let keyColumn = mapping.keyColumn;
    if (role === 'key') keyColumn = column;
    else if (keyColumn === column) keyColumn = -1;
    if (role === 'series') {
      const next = Math.max(0, ...bucket.series.map((m) => m.sk), ...series.map((s) => s.sk)) + 1;
      series.push({ column, sk: next });
    }
    onChange({ ...mapping, keyColumn, series: series.sort((a, b) => a.column - b.column) });
  };
  return (
    <fieldset className="stack-sm">
      <legend>Columns</legend>
      <div className={styles.mapping}>
        <strong>Column</strong>
        <strong>Goes to</strong>
        <strong>Series key</strong>
        <strong>Series</strong>
        {header.map((name, column) => {
          const series = mapping.series.find((s) => s.column === column);
          const label = name || `Column ${column + 1}`;
          return (
            <div key={column} className={styles.mappingRow}>
              <span className="mono">{label}</span>
              <select
                aria-label={`${label} goes to`}
                value={roleOf(column)}
                onChange={(event) => setRole(column, event.target.value)}
              >
                <option value="key">The key</option>
                <option value="series">A series</option>
                <option value="skip">Skip</option>
              </select>
              {series ? (
                <input
                  type="number"
                  min={1}
                  aria-label={`${label} series key`}
                  value={series.sk}
                  onChange={(event) =>
                    onChange({
                      ...mapping,
                      series: mapping.series.map((s) =>
                        s.column === column ? { column, sk: Number(event.target.value) } : s,
                      ),
                    })
                  }
                />
              ) : (
                <span />
              )}
              <span className="muted">
                {series
                  ? bucket.series.some((m) => m.sk === series.sk)
                    ? seriesName(bucket.series, series.sk)
                    : 'new series'
                  : ''}
              </span>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

function ImportResult({
  summary,
  note,
  mode,
  onClose,
}: {
  summary: ImportSummary;
  /** Anything else the person must know (the new series could not be named). */
  note: string | undefined;
  mode: ImportMode;
  onClose: () => void;
}) {
  const { written, problems, problemCount } = summary;
  const n = (count: number) => count.toLocaleString('en');
  const rows = (count: number, one: string, many: string) =>
    `${n(count)} ${count === 1 ? one : many}`;
  let headline: string;
  if (problemCount === 0) headline = `Imported ${n(written)} records.`;
  else if (mode === 'skip') {
    headline = `Imported ${n(written)} records; ${rows(problemCount, 'row was', 'rows were')} skipped.`;
  } else if (written === 0) {
    headline = `Nothing was written: ${rows(problemCount, 'row fails', 'rows fail')}. Fix ${problemCount === 1 ? 'it' : 'them'}, or import again skipping rows that fail.`;
  } else {
    // Checked whole, yet the server refused rows of a batch: what came before it is written.
    headline = `Stopped after ${n(written)} records were written: the server refused ${rows(problemCount, 'row', 'rows')}. Fix ${problemCount === 1 ? 'it' : 'them'} and import again (the records written are written over).`;
  }
  return (
    <section className="stack" aria-label="Import result">
      <p role="status">{headline}</p>
      {note && (
        <p className="form-error" role="alert">
          {note}
        </p>
      )}
      {problems.length > 0 && (
        <>
          <ul className={styles.problems} aria-label="Rows that fail">
            {problems.map((problem) => (
              <li key={`${problem.line}:${problem.reason}`}>
                Line {problem.line}: {problem.reason}
              </li>
            ))}
          </ul>
          {problemCount > problems.length && (
            <p className="muted">
              The first {problems.length.toLocaleString('en')} of{' '}
              {problemCount.toLocaleString('en')} are listed.
            </p>
          )}
        </>
      )}
      <div className="actions">
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Done
        </button>
      </div>
    </section>
  );
}
