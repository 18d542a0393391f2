import type { Widget } from '@bucketgrid/shared';
import { RecordHeaderCells, RecordValueCells } from '../../components/buckets/RecordCells.tsx';
import { useLatestRecords } from '../../hooks/useBucketReads.ts';
import { useDashboardId } from '../../hooks/useDashboard.ts';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { seriesDisplay } from '../../lib/series-display.ts';
import { needsMilliseconds, tableColumns } from '../../lib/table-format.ts';
import type { DashboardRange } from '../../lib/time-range.ts';
import type { Bucket } from '../../lib/trpc.ts';
import styles from '../Widget.module.css';
import { NoData, widgetStatus } from '../WidgetStatus.tsx';

interface Props {
  widget: Extract<Widget, { type: 'table' }>;
  bucket: Bucket;
  range: DashboardRange;
}

/** A bucket's latest records in the range, newest first (KV: by key). */
export function TableWidget({ widget, bucket, range }: Props) {
  const dashboardId = useDashboardId();
  const format = useTimeFormat();
  const read = useLatestRecords({ dashboardId, bucket, range, limit: widget.limit });
  const status = widgetStatus(read);
  if (status || !read.data) return status;
  const records = read.data.records;
  if (records.length === 0) return <NoData />;
  const sks =
    widget.series.length > 0
      ? widget.series
      : [...new Set(records.flatMap((r) => r.data.map((d) => d.series_key)))].sort((a, b) => a - b);
  const columns = tableColumns(
    sks.map((sk, i) => seriesDisplay(bucket.series, sk, i)),
    records,
  );
  const withMs =
    bucket.type === 'TSV' && needsMilliseconds(records.map((record) => Number(record.key)));
  return (
    <div className={`${styles.scroll} ${styles.tableWrap} table-wrap`}>
      <table className="table table-compact">
        <thead>
          <tr>
            <RecordHeaderCells bucket={bucket} columns={columns} />
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr key={String(record.key)}>
              <td className="mono">
                {bucket.type !== 'TSV'
                  ? String(record.key)
                  : withMs
                    ? format.dateTimeMs(Number(record.key))
                    : format.dateTime(Number(record.key))}
              </td>
              <RecordValueCells record={record} columns={columns} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
