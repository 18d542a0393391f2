import { useEffect, useRef, useState } from 'react';
import { useTimeFormat } from '../../../hooks/useTimeFormat.ts';
import { csvFileName } from '../../../lib/csv.ts';
import { describeError } from '../../../lib/errors.ts';
import { formatCount } from '../../../lib/format.ts';
import { recordsCsv } from '../../../lib/records-csv.ts';
import { type Bucket, trpc } from '../../../lib/trpc.ts';
import { downloadText } from '../../activity/activity-csv.ts';
import { RadioGroup } from '../../RadioGroup.tsx';
import { TextField } from '../../TextField.tsx';

/** The bucket page's export: the raw records of any key range (empty ends: open) as CSV. */
export function ExportRangeForm({ bucket, onDone }: { bucket: Bucket; onDone: () => void }) {
  const format = useTimeFormat();
  const utils = trpc.useUtils();
  const isTime = bucket.type === 'TSV';
  const [fromText, setFromText] = useState('');
  const [toText, setToText] = useState('');
  const [keyFormat, setKeyFormat] = useState<'zone' | 'iso'>('zone');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const read = (text: string): number | string | undefined | null => {
    if (text.trim() === '') return undefined;
    if (isTime) return format.fromInput(text);
    if (bucket.type === 'IV') return /^-?\d+$/.test(text.trim()) ? Number(text) : null;
    return text;
  };
  const from = read(fromText);
  const to = read(toText);
  const valid = from !== null && to !== null;

  const run = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setProgress(0);
    try {
      const text = await recordsCsv(
        utils.client,
        bucket,
        { from: from ?? undefined, to: to ?? undefined },
        { format, iso: keyFormat === 'iso' },
        setProgress,
        controller.signal,
      );
      downloadText(text, csvFileName(bucket.name));
      onDone();
    } catch (thrown) {
      if (!controller.signal.aborted) setError(describeError(thrown).message);
      setProgress(null);
    }
  };

  return (
    <form
      className="stack"
      aria-label="Export records"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid && progress === null) void run();
      }}
    >
      <p className="muted">Leave an end empty for the bucket's first or last record.</p>
      <div className="form-row-plain">
        <TextField
          label={isTime ? `From (${format.zoneShort})` : 'From key'}
          type={isTime ? 'datetime-local' : bucket.type === 'IV' ? 'number' : 'text'}
          step={1}
          value={fromText}
          onChange={(event) => setFromText(event.target.value)}
        />
        <TextField
          label={isTime ? `To (${format.zoneShort})` : 'To key'}
          type={isTime ? 'datetime-local' : bucket.type === 'IV' ? 'number' : 'text'}
          step={1}
          value={toText}
          onChange={(event) => setToText(event.target.value)}
          error={valid ? undefined : 'Enter a key of this bucket, or leave it empty.'}
        />
      </div>
      {isTime && (
        <RadioGroup
          legend="Times"
          name="csv-export-times"
          inline
          value={keyFormat}
          onChange={setKeyFormat}
          choices={[
            { value: 'zone', label: `As the dashboard shows them (${format.zoneShort})` },
            { value: 'iso', label: 'ISO 8601 (UTC)' },
          ]}
        />
      )}
      {progress !== null && <p aria-live="polite">Read {formatCount(progress)} records…</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={!valid || progress !== null}>
          Download CSV
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => {
            abort.current?.abort();
            onDone();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
