import type { Widget } from '@bucketgrid/shared';
import { useState } from 'react';
import { useTimeFormat } from '../../../hooks/useTimeFormat.ts';
import { csvFileName } from '../../../lib/csv.ts';
import { describeError } from '../../../lib/errors.ts';
import { useGridReads } from '../../../lib/grid-reads.tsx';
import type { DashboardRange } from '../../../lib/time-range.ts';
import type { Bucket } from '../../../lib/trpc.ts';
import { hasWidgetCsv, widgetCsv } from '../../../lib/widget-csv.ts';
import { downloadText } from '../../activity/activity-csv.ts';
import styles from './WidgetCsvButton.module.css';

interface Props {
  widget: Widget;
  bucket: Bucket | undefined;
  range: DashboardRange;
  title: string;
  /** The widget body's width: a chart's CSV has the points the chart read for it. */
  width: number;
}

/** A widget's "Download CSV": what it shows, as a file (lib/widget-csv.ts). */
export function WidgetCsvButton({ widget, bucket, range, title, width }: Props) {
  const reads = useGridReads();
  const format = useTimeFormat();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!bucket || !hasWidgetCsv(widget, bucket) || widget.type === 'text') return null;
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const text = await widgetCsv(reads, { widget, bucket, range, width, format });
      downloadText(text, csvFileName(title));
    } catch (thrown) {
      setError(describeError(thrown).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className={`btn btn-small ${styles.button}`}
        onClick={download}
        disabled={busy}
        aria-label={`Download CSV of ${title}`}
        title={error ?? 'Download CSV'}
      >
        <span aria-hidden="true">⤓</span>
      </button>
      {error && (
        <span role="alert" className="visually-hidden">
          {error}
        </span>
      )}
    </>
  );
}
