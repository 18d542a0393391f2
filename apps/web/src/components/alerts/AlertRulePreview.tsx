import type { ThresholdCondition } from '@bucketgrid/shared';
import { useEffect, useMemo, useState } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import type { ChartThreshold } from '../../lib/alert-marks.ts';
import { type Columns, chartColumns } from '../../lib/downsampled.ts';
import { seriesDisplay } from '../../lib/series-display.ts';
import type { ChartSeries } from '../../lib/time-chart-options.ts';
import { type Bucket, trpc } from '../../lib/trpc.ts';
import { TimeChart } from '../charts/TimeChart.tsx';
import { ErrorState } from '../ErrorState.tsx';
import styles from './AlertRulePreview.module.css';

/** The form's changes wait this long before the preview asks again (typing a threshold). */
const PREVIEW_DEBOUNCE_MS = 400;
const PREVIEW_HEIGHT_PX = 220;
const FIRING_COLOR = '#c62828';

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The last 24 hours of the rule's series with its threshold(s) and, in red, the stretches it
 * would have been firing: the server walks the evaluator's own step over one downsampled read
 * (`alerts.preview`, docs/alerts.md). Asked again as the form changes, once typing pauses.
 */
export function AlertRulePreview({
  condition,
  bucket,
}: {
  /** The form's condition, null while it is incomplete. */
  condition: ThresholdCondition | null;
  bucket: Bucket | undefined;
}) {
  const dashboard = useDashboard();
  const format = useTimeFormat();
  const asked = useDebounced(condition, PREVIEW_DEBOUNCE_MS);
  const preview = trpc.alerts.preview.useQuery(
    { dashboardId: dashboard.id, condition: asked! },
    { enabled: asked !== null && bucket?.type === 'TSV', placeholderData: (previous) => previous },
  );
  const series: ChartSeries[] = useMemo(() => {
    if (!bucket || !asked) return [];
    const shown = seriesDisplay(bucket.series, asked.seriesKey, 0);
    return [
      { ...shown, axis: 'left' },
      // Another key: the legend and the tooltip list series by key.
      { ...shown, sk: -1, name: 'Would fire', color: FIRING_COLOR, axis: 'left' },
    ];
  }, [bucket, asked]);
  const columns: Columns | null = useMemo(() => {
    if (!preview.data || !asked) return null;
    const line = chartColumns(preview.data.data, [asked.seriesKey], 'avg');
    const { firings, interval } = preview.data;
    // The series again where the rule would have been firing: at the end of its interval
    // (x is the interval's middle), from the moment it fired until the one it resolved.
    const firing = line.x.map((x, i) => {
      const end = x + interval / 2;
      const fired = firings.some((f) => end >= f.from && (f.to === null || end < f.to));
      return fired ? line.series[0]![i] : null;
    });
    return { ...line, series: [line.series[0]!, firing], latest: [...line.latest, null] };
  }, [preview.data, asked]);

  if (bucket && bucket.type !== 'TSV') {
    return <p className="muted">The preview shows TSV buckets (IV keys are not times).</p>;
  }
  if (!condition) return <p className="muted">Fill in the threshold to see a preview.</p>;
  if (preview.isError)
    return <ErrorState error={preview.error} onRetry={() => preview.refetch()} />;
  if (!preview.data || !columns || !asked) return <p className="muted">Loading the preview…</p>;
  const thresholds: ChartThreshold[] = [asked.threshold, asked.threshold2]
    .filter((value) => value !== undefined)
    .map((value) => ({ value, axis: 'left', firing: false, rule: 'this rule' }));
  const { firings } = preview.data;
  const summary =
    firings.length === 0
      ? 'Would not have fired in the last 24 hours.'
      : `Would have fired ${firings.length === 1 ? 'once' : `${firings.length} times`} in the last 24 hours.`;
  return (
    <figure className={styles.preview} aria-label="Rule preview">
      <h3 className={styles.title}>Preview: the last 24 hours</h3>
      <TimeChart
        columns={columns}
        values={columns}
        series={series}
        keyType="TSV"
        preset="low"
        xRange={[preview.data.from, preview.data.to]}
        height={PREVIEW_HEIGHT_PX}
        thresholds={thresholds}
        description={`Preview of the last 24 hours: ${series[0]?.name ?? ''}${thresholds
          .map((t) => `; threshold ${t.value}`)
          .join('')}; ${summary}`}
      />
      <figcaption>
        <p>{summary}</p>
        {firings.length > 0 && (
          <ul className={styles.firings} aria-label="Would have fired">
            {firings.map((f) => (
              <li key={f.from}>
                {format.dateTime(f.from)}
                {f.to === null ? ', still firing' : ` until ${format.dateTime(f.to)}`}
                {f.value !== null && ` (value ${f.value})`}
              </li>
            ))}
          </ul>
        )}
      </figcaption>
    </figure>
  );
}
